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
	// fd is the directory, opened when it was made: files are created and
	// read back relative to it, never by a path that could have been
	// redirected, and on Linux it holds the share lock.
	fd     *os.File
	locked bool

	// mu orders Create and Remove: Remove may run from another goroutine
	// while one is still decrypting into the directory (a signal stopped
	// a run stuck on its input), and no file may appear after it.
	mu      sync.Mutex
	removed bool
}

var errRemoved = errors.New("the secret directory was removed")

// A candidate parent directory, and whether it must be private to this
// user (0700, as $XDG_RUNTIME_DIR is specified to be) or only safe from
// others renaming entries in it (see safeParent).
type parent struct {
	path    string
	private bool
}

// New creates a fresh directory for exec --file, first removing what
// killed runs left where it goes: under $TMPDIR when set (exec has always
// honoured it, and its tests rely on that), else in /dev/shm where it
// exists (memory, so the secret never reaches a disk and is gone at reboot
// even if envseal is killed), else the system temp dir.
func New() (*Dir, error) {
	var parents []parent
	if os.Getenv("TMPDIR") == "" {
		parents = append(parents, parent{path: "/dev/shm"})
	}
	return newDir(kindExec, append(parents, parent{path: os.TempDir()}))
}

// swept are the parents every run sweeps, whichever it creates its own
// directory in: a killed edit's directory may be in $XDG_RUNTIME_DIR or
// /dev/shm, a killed exec's in $TMPDIR, and either may have fallen back
// to a later parent; sweeping only where this run's directory goes would
// leave the plaintext of the others until reboot (or for ever on disk).
func swept() []parent {
	var parents []parent
	if d := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		parents = append(parents, parent{path: d, private: true})
	}
	return append(parents, parent{path: "/dev/shm"}, parent{path: os.TempDir()})
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
	var parents []parent
	if d := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		parents = append(parents, parent{path: d, private: true})
	}
	return newDir(kindEdit, append(parents, parent{path: "/dev/shm"}, parent{path: os.TempDir()}))
}

// newDir creates a 0700 directory for kind in the first of parents that
// is safe (see safeParent) and where that works, after sweeping every
// safe parent either kind uses. A parent that is not safe is never swept:
// removing by path in a directory someone else can rename entries in
// could be made to remove what they chose.
func newDir(kind string, parents []parent) (*Dir, error) {
	for _, p := range swept() {
		if path, err := safeParent(p); err == nil {
			sweep(path)
		}
	}
	pattern := dirPattern(kind)
	err := errors.New("no usable directory")
	for _, p := range parents {
		path, perr := safeParent(p)
		if perr != nil {
			err = perr
			continue
		}
		if path, err = os.MkdirTemp(path, pattern); err != nil {
			continue
		}
		var d *Dir
		if d, err = openDir(path); err == nil {
			return d, nil
		}
		os.Remove(path)
	}
	return nil, err
}

// openDir opens the directory just made at path, checking that it is
// still the private directory made there.
func openDir(path string) (*Dir, error) {
	f, err := openNoFollow(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil || !ownedPrivateDir(fi) {
		f.Close()
		return nil, fmt.Errorf("%s is not the private directory just made", path)
	}
	return &Dir{Path: path, fd: f, locked: lockDir(f)}, nil
}

// Create creates the file name in the directory, mode 0600 and
// exclusively: a file that exists is an error, never reused, and a
// symbolic link is never followed.
func (d *Dir) Create(name string) (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.removed {
		return nil, errRemoved
	}
	return d.openAt(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// Open opens the file name in the directory for reading, through the
// descriptor of the directory that was made, refusing a symbolic link and
// anything but a regular file: what the editor saved, and not what
// someone put at a path that no longer leads to this directory.
func (d *Dir) Open(name string) (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.removed {
		return nil, errRemoved
	}
	f, err := d.openAt(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", filepath.Join(d.Path, name))
	}
	return f, nil
}

// Check fails if Path no longer names the directory that was made (it was
// moved away and something else put there): the editor, which works by
// path, then did not write into it.
func (d *Dir) Check() error {
	fi, err := os.Lstat(d.Path)
	if err != nil {
		return fmt.Errorf("the private directory %s is gone", d.Path)
	}
	mine, err := d.fd.Stat()
	if err != nil || !os.SameFile(fi, mine) {
		return fmt.Errorf("the private directory %s was replaced", d.Path)
	}
	return nil
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
	d.fd.Close()
	if err != nil {
		return fmt.Errorf("failed to remove %s: %w", d.Path, err)
	}
	return nil
}

// Inherit returns the files the child must inherit: the directory's lock,
// so that the lock lasts as long as any process that may use the files.
func (d *Dir) Inherit() []*os.File {
	if !d.locked {
		return nil
	}
	return []*os.File{d.fd}
}
