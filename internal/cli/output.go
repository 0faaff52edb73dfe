package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"

	"github.com/envseal/envseal/internal/atomicfile"
)

// outputs holds the temp files of this process, so that an interrupted
// run (see Execute) can discard them even while the command that made
// them is stuck in a read, and so that nothing is committed after that.
// It is a pointer that tests swap for a fresh group once a run stopped it.
var outputs atomic.Pointer[atomicfile.Group]

func init() { outputs.Store(atomicfile.NewGroup()) }

// output is where a command writes: stdout or an atomic file.
type output struct {
	io.Writer
	file *atomicfile.File
}

// openOutput returns standard output for "" or "-", else an atomic file
// at path (see createOutput) created with mode.
func openOutput(ios *IOStreams, path string, force bool, mode fs.FileMode) (*output, error) {
	if path == "" || path == "-" {
		return &output{Writer: ios.Out}, nil
	}
	return createOutput(path, force, mode)
}

// createOutput opens an atomic file at path: it appears only whole, on
// commit, and replaces an existing file only with force. When this process
// holds the in-place lock on path, the commit first checks that nothing
// else replaced the file meanwhile (see inPlaceLock).
func createOutput(path string, force bool, mode fs.FileMode) (*output, error) {
	f, err := outputs.Load().Create(path, atomicfile.Options{Force: force, Mode: mode, Check: lockCheck(path)})
	if err != nil {
		return nil, outputError(err)
	}
	return &output{Writer: f, file: f}, nil
}

// writeOutput writes a small, whole output (a public key) to standard
// output for "" or "-", or else atomically to path (see openOutput).
func writeOutput(ios *IOStreams, path string, force bool, mode fs.FileMode, data []byte) error {
	out, err := openOutput(ios, path, force, mode)
	if err != nil {
		return err
	}
	if _, err := out.Write(data); err != nil {
		out.abort()
		if out.file == nil {
			return err
		}
		return fmt.Errorf("failed to write output file: %w", err)
	}
	return out.commit()
}

func (o *output) commit() error {
	if o.file == nil {
		return nil
	}
	return outputError(o.file.Commit())
}

func (o *output) abort() {
	if o.file != nil {
		o.file.Abort()
	}
}

// outputError adds the next step to atomicfile's errors, and reports a
// stopped run as interrupted.
func outputError(err error) error {
	var ce *atomicfile.CreateError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, atomicfile.ErrStopped):
		return ErrInterrupted
	case errors.Is(err, atomicfile.ErrExists):
		return withHint(err, "pass --force to replace it")
	case errors.Is(err, atomicfile.ErrNotRegular):
		return withHint(err, "to write to a pipe or device, redirect standard output instead of using -o")
	case errors.As(err, &ce):
		return withHint(err, "check that the directory exists and is writable, or choose another -o path")
	}
	return err
}
