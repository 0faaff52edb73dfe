package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openTemp opens an unnamed file in dir (O_TMPFILE): until linkTemp gives
// it a name it is invisible, and if the process dies it vanishes with it,
// so no run, even one killed with SIGKILL, leaves a temp file behind.
// Filesystems without O_TMPFILE get a named temp file.
func openTemp(dir string) (*os.File, string, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
			return openNamedTemp(dir)
		}
		return nil, "", &os.PathError{Op: "open", Path: dir, Err: err}
	}
	f := os.NewFile(uintptr(fd), dir)
	// linkTemp names the file through /proc; without /proc it never could.
	if _, err := os.Stat(procPath(f)); err != nil {
		f.Close()
		return openNamedTemp(dir)
	}
	return f, "", nil
}

func procPath(f *os.File) string {
	return "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
}

// linkTemp gives an O_TMPFILE file the name path, failing with an error
// matching fs.ErrExist if path exists: linkat never replaces a file.
func linkTemp(f *os.File, path string) error {
	err := unix.Linkat(unix.AT_FDCWD, procPath(f), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return &os.LinkError{Op: "link", Old: procPath(f), New: path, Err: err}
	}
	return nil
}

// linkTempNamed links an O_TMPFILE file at a fresh temp name in dir, for a
// rename over an existing file (--force), and returns that name.
func linkTempNamed(f *os.File, dir string) (string, error) {
	for range 100 {
		name := dir + string(os.PathSeparator) + ".envseal-" + randomSuffix() + ".tmp"
		err := linkTemp(f, name)
		if !errors.Is(err, os.ErrExist) {
			return name, err
		}
	}
	return "", fmt.Errorf("failed to pick a temp name in %s", dir)
}
