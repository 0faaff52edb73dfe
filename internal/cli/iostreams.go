package cli

import (
	"io"
	"os"

	"github.com/envseal/envseal/pkg/keyprovider"
	"golang.org/x/term"
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
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		OpenTTY:   openTTY,
	}
}

func openTTY() (*os.File, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}
