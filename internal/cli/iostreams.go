package cli

import (
	"errors"
	"io"
	"os"

	"github.com/envseal/envseal/internal/term"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// IOStreams are the standard streams a command uses, injected so that tests
// can run commands in-process and pretend to be (or not be) a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool

	// Quiet suppresses progress output (--quiet).
	Quiet bool

	// Backend holds key-backend settings from global flags (one per
	// keyprovider.Setting: --region, --profile); commands add warnings and
	// the PIN prompt to it.
	Backend keyprovider.Options

	// OpenTTY opens the controlling terminal for prompts (PINs). Nil when
	// there is none, as in CI.
	OpenTTY func() (*os.File, error)
}

// System returns the process's real streams.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		StdinTTY:  term.IsTerminal(os.Stdin),
		StdoutTTY: term.IsTerminal(os.Stdout),
		StderrTTY: term.IsTerminal(os.Stderr),
		OpenTTY:   term.OpenTTY,
	}
}

// hasTerminal reports whether there is a terminal to prompt on (see
// term.CanPrompt).
func hasTerminal(ios *IOStreams) bool { return term.CanPrompt(ios.OpenTTY) }

// promptSecret asks for a secret on the controlling terminal, not on
// stdin/stdout, which may carry the data being sealed or opened.
func promptSecret(ios *IOStreams, prompt string) ([]byte, error) {
	return term.ReadSecret(ios.OpenTTY, prompt)
}

// withProgress counts r and, when stderr is a terminal and --quiet is not
// set, draws a bar labelled verb there once the job proves long.
func withProgress(ios *IOStreams, r io.Reader, size int64, verb string) *term.Progress {
	var w io.Writer
	if ios.StderrTTY && !ios.Quiet {
		w = ios.ErrOut
	}
	return term.NewProgress(r, w, size, verb)
}

// release copies plaintext to out. To a terminal it holds everything until
// the end and prints only text, as open does (see term.CopyText).
func release(out io.Writer, r io.Reader, toTerminal bool) error {
	if !toTerminal {
		_, err := io.Copy(out, r)
		return err
	}
	err := term.CopyText(out, r)
	switch {
	case errors.Is(err, term.ErrTooLarge):
		return withHint(err, "pass -o FILE or redirect the output")
	case errors.Is(err, term.ErrBinary):
		return withHint(err, "pass -o FILE or redirect the output, or --force to print it anyway")
	}
	return err
}
