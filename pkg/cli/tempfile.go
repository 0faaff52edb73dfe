package cli

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// tempPattern names envseal's temp files: hidden, and never read by envseal.
const tempPattern = ".envseal-*.tmp"

// createTemp opens an output's temp file: openTemp, except in tests that
// inject write faults (a full disk) without mounting anything.
var createTemp = openTemp

// openNamedTemp creates a temp file in dir, mode 0600.
func openNamedTemp(dir string) (*os.File, string, error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return nil, "", err
	}
	return f, f.Name(), nil
}

func randomSuffix() string {
	return rand.Text()[:12]
}

// bareError strips the *PathError, *LinkError or *SyscallError around a
// system error: the temp file's name means nothing to the user, who named
// the output path.
func bareError(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	case errors.As(err, &se):
		return se.Err
	}
	return err
}

// isNoSpace reports a full filesystem.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC)
}
