package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
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

// ErrInterrupted is returned when a signal stopped the command.
var ErrInterrupted = errors.New("interrupted")

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, ErrInterrupted):
		return ExitInterrupted
	}
	return ExitFailure
}

// PrintError writes err as one "envseal: error:" line and, when a next step
// is known, one "envseal: hint:" line.
func PrintError(w io.Writer, err error) {
	msg, hint := explain(err)
	fmt.Fprintf(w, "envseal: error: %s\n", oneLine(msg))
	if hint != "" {
		fmt.Fprintf(w, "envseal: hint: %s\n", oneLine(hint))
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
