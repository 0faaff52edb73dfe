//go:build unix

package secretdir

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// safeParent returns the directory to create the secret directory in for
// p, or why it is not safe. Whoever may rename entries of the parent can
// move the secret directory aside while the command or editor uses it by
// path, and put there a directory of theirs with a symbolic link in it,
// receiving the plaintext the editor saves (a sudo -E that kept another
// user's $XDG_RUNTIME_DIR): so the parent must be a directory of this user
// (0700 for $XDG_RUNTIME_DIR, as the XDG spec requires), or of root or
// this user and not writable by others unless sticky (/tmp, /dev/shm).
// Symbolic links are followed only for the shared fallbacks (macOS's /tmp
// is one), then the directory they lead to is checked.
func safeParent(p parent) (string, error) {
	path := p.path
	if !p.private {
		if r, err := filepath.EvalSymlinks(path); err == nil {
			path = r
		}
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	return path, checkParent(path, fi, p.private, os.Geteuid())
}

// checkParent applies safeParent's rule to fi, for the user euid.
func checkParent(path string, fi fs.FileInfo, private bool, euid int) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", path)
	case !ok:
		return fmt.Errorf("%s: unknown owner", path)
	case private && (int(st.Uid) != euid || fi.Mode().Perm() != 0o700):
		return fmt.Errorf("%s is not a 0700 directory of this user", path)
	case int(st.Uid) != euid && st.Uid != 0:
		return fmt.Errorf("%s belongs to another user", path)
	case fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0:
		return fmt.Errorf("%s is writable by others and not sticky", path)
	}
	return nil
}

// openNoFollow opens the directory at path, refusing a symbolic link.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
}

// openAt opens name in the directory by its descriptor, never following a
// symbolic link, and without blocking on a FIFO.
func (d *Dir) openAt(name string, flag int, perm uint32) (*os.File, error) {
	path := filepath.Join(d.Path, name)
	fd, err := unix.Openat(int(d.fd.Fd()), name, flag|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, perm)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	// Back to blocking: it is a regular file (checked by the callers that
	// read), and os.File's reads expect it.
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// ownedPrivateDir reports whether fi is a directory of this user with
// mode 0700: what newDir creates, and nothing a sweep may remove on
// someone else's behalf.
func ownedPrivateDir(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.IsDir() && fi.Mode().Perm() == 0o700 && int(st.Uid) == os.Geteuid()
}
