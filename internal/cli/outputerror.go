package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// OutputError is a failure to write, sync or place an output file. Path is
// the output path the user named, not the temp file's.
type OutputError struct {
	Path string
	Err  error
}

func (e *OutputError) Error() string {
	return fmt.Sprintf("failed to write output file %s: %v", e.Path, e.Err)
}

func (e *OutputError) Unwrap() error { return e.Err }

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
