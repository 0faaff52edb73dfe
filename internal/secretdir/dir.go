// Package secretdir makes the private directories in which envseal puts
// plaintext for another program: exec's decrypted --file secrets for its
// child, and edit's plaintext for the editor. It also removes the ones
// that killed runs left behind.
//
// A directory is 0700, on memory-backed storage where there is one (see
// New and NewEdit), and named after the process that made it (see
// sweep.go), so that a later run can tell a live one from a leftover. On
// Linux it is also share-locked by a descriptor that the child inherits:
// a sweep removes a directory only once it can lock it exclusively, that
// is once neither envseal nor any process started from it may still read
// the files.
package secretdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Dir is one run's secret directory.
type Dir struct {
	// Path is the directory.
	Path string
	lock *os.File // the directory, share-locked while in use, or nil

	// mu orders Create and Remove: Remove may run from another goroutine
	// while one is still decrypting into the directory (a signal stopped
	// a run stuck on its input), and no file may appear after it.
	mu      sync.Mutex
	removed bool
}

var errRemoved = errors.New("the secret directory was removed")

// New creates a fresh directory for exec --file, first removing what
// killed runs left where it goes: under $TMPDIR when set (exec has always
// honoured it, and its tests rely on that), else in /dev/shm where it
// exists (memory, so the secret never reaches a disk and is gone at reboot
// even if envseal is killed), else the system temp dir.
func New() (*Dir, error) {
	var parents []string
	if os.Getenv("TMPDIR") == "" {
		parents = append(parents, "/dev/shm")
	}
	return newDir(kindExec, append(parents, os.TempDir()))
}

// NewEdit creates a fresh directory for edit's plaintext: in
// $XDG_RUNTIME_DIR when it is set to an absolute path (the per-user
// runtime directory, a 0700 tmpfs on systemd systems), else in /dev/shm
// where it exists, else in the system temp dir ($TMPDIR), which may be on
// disk. Never beside the sealed file: its directory is often a git working
// tree, synced or backed up. Memory comes before $TMPDIR here, unlike
// exec, because the whole file, not one credential, sits there for as
// long as the editor is open.
func NewEdit() (*Dir, error) {
	var parents []string
	if d := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		parents = append(parents, d)
	}
	return newDir(kindEdit, append(parents, "/dev/shm", os.TempDir()))
}

// newDir creates a 0700 directory for kind in the first of parents where
// that works, sweeping each parent first.
func newDir(kind string, parents []string) (*Dir, error) {
	pattern := dirPattern(kind)
	var err error
	for _, parent := range parents {
		sweep(parent)
		var path string
		if path, err = os.MkdirTemp(parent, pattern); err == nil {
			return &Dir{Path: path, lock: lockDir(path)}, nil
		}
	}
	return nil, err
}

// Create creates the file name in the directory, mode 0600 and
// exclusively: a file that exists is an error, never reused.
func (d *Dir) Create(name string) (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.removed {
		return nil, errRemoved
	}
	return os.OpenFile(filepath.Join(d.Path, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// Remove deletes the directory and what is in it, and releases its lock.
// It is safe to call more than once, and from any goroutine; only the
// first call does anything. An error means files, perhaps plaintext, may
// be left in the directory.
func (d *Dir) Remove() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.removed {
		return nil
	}
	d.removed = true
	err := os.RemoveAll(d.Path)
	if d.lock != nil {
		d.lock.Close()
	}
	if err != nil {
		return fmt.Errorf("failed to remove %s: %w", d.Path, err)
	}
	return nil
}

// Inherit returns the files the child must inherit: the directory's lock,
// so that the lock lasts as long as any process that may use the files.
func (d *Dir) Inherit() []*os.File {
	if d.lock == nil {
		return nil
	}
	return []*os.File{d.lock}
}
