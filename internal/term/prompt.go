package term

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	xterm "golang.org/x/term"
)

// ErrNoTerminal means a secret was needed and there is no terminal to ask
// on, as in CI: the backend turns it into its own hint (an env var, a file).
var ErrNoTerminal = errors.New("no terminal to prompt on")

// CanPrompt reports whether open (OpenTTY, or a test's) yields a terminal
// to prompt on. Without one (CI, cron) backends get no prompt at all and
// answer with their own hint instead of a prompt error.
func CanPrompt(open func() (*os.File, error)) bool {
	if open == nil {
		return false
	}
	tty, err := open()
	if err != nil {
		return false
	}
	defer tty.Close()
	return IsTerminal(tty)
}

// ReadSecret asks for a secret on the terminal open returns, without
// echoing it.
func ReadSecret(open func() (*os.File, error), prompt string) ([]byte, error) {
	tty, err := open()
	if err != nil {
		return nil, ErrNoTerminal
	}
	defer tty.Close()
	if !IsTerminal(tty) {
		return nil, ErrNoTerminal
	}
	fmt.Fprintf(tty, "%s: ", strings.TrimSuffix(strings.TrimSpace(prompt), ":"))
	fd := int(tty.Fd())
	if st, err := xterm.GetState(fd); err == nil {
		prompting.set(fd, st)
		defer prompting.set(0, nil)
	}
	secret, err := xterm.ReadPassword(fd)
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("failed to read from the terminal: %w", err)
	}
	return secret, nil
}

// prompting is the terminal a ReadSecret is blocked on, with its state
// from before echo was turned off.
var prompting echoState

type echoState struct {
	mu    sync.Mutex
	fd    int
	state *xterm.State
}

func (e *echoState) set(fd int, st *xterm.State) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fd, e.state = fd, st
}

// RestoreTerminal puts back the terminal state a ReadSecret that is still
// waiting changed. A signal ends envseal without waiting for the prompt to
// return (it may never), and the user's shell must not be left without
// echo.
func RestoreTerminal() {
	prompting.mu.Lock()
	defer prompting.mu.Unlock()
	if prompting.state != nil {
		_ = xterm.Restore(prompting.fd, prompting.state) // best effort on the way out
	}
}
