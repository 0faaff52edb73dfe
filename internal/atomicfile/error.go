package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

var (
	// ErrExists is returned when the path exists and Options.Force is unset.
	ErrExists = errors.New("output file already exists")

	// ErrNotRegular is returned when the path is a device, FIFO or socket:
	// renaming over /dev/null as root would replace the device.
	ErrNotRegular = errors.New("not a regular file")

	// ErrStopped is returned by Create and Commit once the Group was
	// stopped.
	ErrStopped = errors.New("the run was stopped")
)

// Error is a failure to write, sync or place an output file. Path is the
// output path the caller named, not the temp file's.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("failed to write output file %s: %v", e.Path, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// CreateError is a failure to create the temp file in Dir, the output's
// directory: it does not exist, or is not writable.
type CreateError struct {
	Dir string
	Err error
}

func (e *CreateError) Error() string {
	return fmt.Sprintf("failed to create output file in %s: %v", e.Dir, e.Err)
}

func (e *CreateError) Unwrap() error { return e.Err }

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
