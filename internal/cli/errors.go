package cli

import (
	"errors"
	"fmt"
	"github.com/envseal/envseal/pkg/keyprovider"
	"io"
	"strings"
	"syscall"
)

// Exit codes, documented in README.md.
const (
	ExitOK          = 0
	ExitFailure     = 1 // authentication, key unavailable, I/O
	ExitUsage       = 2 // bad flags or arguments
	ExitInterrupted = 130
)

// UsageError is a mistake in how the command was invoked.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(hint, format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...), Hint: hint}
}

// HintError attaches a next step to an error.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: hint}
}

// ExitError is an exit status that is not one of envseal's own: exec
// exits with its child's. Err, when set, is printed as usual; when nil,
// nothing is, since the child has said what it had to say.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ErrInterrupted is returned when a signal stopped the command.
var ErrInterrupted = errors.New("interrupted")

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var ue *UsageError
	var kue *keyprovider.UsageError
	var xe *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &xe):
		return xe.Code
	case errors.As(err, &ue), errors.As(err, &kue):
		// A backend's usage error (a bad setting) comes from opening a
		// key, anywhere a command does; keygen is not the only one.
		return ExitUsage
	case errors.Is(err, keyprovider.ErrBadURI):
		// A key URI or recipient that does not parse is a mistyped
		// argument, like an unknown flag, not a failure of the key.
		return ExitUsage
	case errors.Is(err, ErrInterrupted):
		return ExitInterrupted
	}
	return ExitFailure
}

// PrintError writes err as one "envseal: error:" line and, when a next step
// is known, one "envseal: hint:" line.
func PrintError(w io.Writer, err error) {
	if xe := (*ExitError)(nil); errors.As(err, &xe) && xe.Err == nil {
		return
	}
	msg, hint := explain(err)
	fmt.Fprintf(w, "envseal: error: %s\n", oneLine(msg))
	if hint != "" {
		fmt.Fprintf(w, "envseal: hint: %s\n", oneLine(hint))
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// isNoSpace reports a full filesystem.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC)
}
