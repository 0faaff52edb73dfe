// Package secretdir makes the private directory in which envseal exec
// puts decrypted --file secrets for its child, and removes the ones that
// killed runs left behind.
//
// A directory is 0700, in /dev/shm when $TMPDIR is unset and it exists,
// and named after the process that made it (see sweep.go), so that a
// later run can tell a live one from a leftover. On Linux it is also
// share-locked by a descriptor that the child inherits: a sweep removes a
// directory only once it can lock it exclusively, that is once neither
// envseal nor any process started from it may still read the files.
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

// New creates a fresh directory, first removing what killed runs left
// where it goes.
func New() (*Dir, error) {
	path, err := makeDir()
	if err != nil {
		return nil, err
	}
	return &Dir{Path: path, lock: lockDir(path)}, nil
}

// makeDir creates a 0700 directory: under $TMPDIR when set, else in
// /dev/shm where it exists (memory, so the secret never reaches a disk and
// is gone at reboot even if envseal is killed), else the system temp dir.
func makeDir() (string, error) {
	pattern := dirPattern()
	if os.Getenv("TMPDIR") == "" {
		sweep("/dev/shm")
		if d, err := os.MkdirTemp("/dev/shm", pattern); err == nil {
			return d, nil
		}
	}
	sweep(os.TempDir())
	return os.MkdirTemp("", pattern)
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
