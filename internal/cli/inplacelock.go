package cli

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// inPlaceLock is held by every command that replaces a file in place
// (edit, set, unset, rewrap --in-place, migrate --in-place), from before
// it reads the file until its replacement is renamed over it. Without it
// two of them read the same version, and the one that renames last
// silently undoes the other: an edit lost, or a recipient that rewrap
// --remove revoked put back.
//
// The lock is an exclusive flock on the file itself, not a lock file
// beside it: a lock file would litter the working tree (and git status)
// and outlive a SIGKILLed run, while a flock is released by the kernel
// when the process dies, however it dies. It is advisory, so programs
// other than envseal (git checkout, an editor) are not kept out: the
// output's commit checks, just before its rename, that the file is still
// the one that was locked, unchanged (see unchanged).
type inPlaceLock struct {
	path string
	f    *os.File
	fi   os.FileInfo // the locked file as it was when locked
}

// heldLocks maps the path of each file this process holds an inPlaceLock
// on to that lock, so that createOutput adds the lock's check to the
// output that replaces it, whichever command (or goroutine of a bulk
// rewrap) writes it.
var heldLocks sync.Map

// lockInPlace opens path (the file --in-place replaces: see
// inPlaceTarget) and locks it without waiting, or fails if another envseal
// is changing it. The file stays open, locked, until Close.
func lockInPlace(path string) (*inPlaceLock, error) {
	// A run that finished while this one waited to open has replaced the
	// file by renaming a new one over it, and released its lock on the
	// old one: the lock this run then gets is on a file nobody reads any
	// more. So after locking, check that path still names the locked file,
	// and start again if not (a few times: each try means another run
	// completed).
	for try := 0; ; try++ {
		f, err := openNoBlock(path)
		if err != nil {
			return nil, fmt.Errorf("failed to open input: %w", err)
		}
		l, retry, err := lockOpenedFile(path, f)
		if err == nil {
			heldLocks.Store(path, l)
			return l, nil
		}
		f.Close()
		if !retry || try == 3 {
			return nil, err
		}
	}
}

func lockOpenedFile(path string, f *os.File) (l *inPlaceLock, retry bool, err error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("failed to open input: %w", err)
	}
	if fi.IsDir() {
		return nil, false, fmt.Errorf("input %s is a directory", path) // as openInput says it
	}
	if !fi.Mode().IsRegular() {
		return nil, false, usageErrorf("", "%s is not a regular file", path)
	}
	switch err := lockFile(f); {
	case errors.Is(err, errLocked):
		return nil, false, withHint(fmt.Errorf("%s is being changed by another envseal (edit, set, unset, rewrap or migrate)", path),
			"let that one finish first (an editor may still be open): one of the changes would otherwise be lost")
	case err != nil:
		return nil, false, fmt.Errorf("failed to lock %s: %w", path, err)
	}
	if now, err := os.Stat(path); err != nil || !os.SameFile(fi, now) {
		return nil, true, fmt.Errorf("%s was replaced while being opened", path)
	}
	return &inPlaceLock{path: path, f: f, fi: fi}, false, nil
}

// unchanged fails if path no longer names the locked file as it was
// locked (same file, size and modification time): something other than
// envseal replaced or wrote it since, and renaming over it would undo
// that.
func (l *inPlaceLock) unchanged() error {
	now, err := os.Stat(l.path)
	if err != nil || !os.SameFile(l.fi, now) || now.Size() != l.fi.Size() || !now.ModTime().Equal(l.fi.ModTime()) {
		return withHint(fmt.Errorf("%s changed on disk while it was open: not overwritten", l.path),
			"run the command again on the new file")
	}
	return nil
}

// Close releases the lock.
func (l *inPlaceLock) Close() error {
	heldLocks.CompareAndDelete(l.path, l)
	return l.f.Close()
}

// openNoBlock opens path for reading without waiting for a writer when
// it is a FIFO (a plain open would hang there, before the file type could
// be checked): for commands that then refuse anything but a regular file.
// Reads from a regular file never block on O_NONBLOCK's account.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// lockCheck returns the check of the lock held on path, or nil.
func lockCheck(path string) func() error {
	if v, ok := heldLocks.Load(path); ok {
		return v.(*inPlaceLock).unchanged
	}
	return nil
}
