package term

import (
	"errors"
	"fmt"
	"os"
	"strings"

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
	secret, err := xterm.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("failed to read from the terminal: %w", err)
	}
	return secret, nil
}
