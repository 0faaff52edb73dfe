package cli

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/term"
)

// errNoTerminal means a secret was needed and there is no terminal to ask
// on, as in CI: the backend turns it into its own hint (an env var, a file).
var errNoTerminal = errors.New("no terminal to prompt on")

// hasTerminal reports whether a controlling terminal can be prompted on.
// Without one (CI, cron) backends get no prompt at all and answer with
// their own hint (an env var, a file) instead of a prompt error.
func hasTerminal(ios *IOStreams) bool {
	if ios.OpenTTY == nil {
		return false
	}
	tty, err := ios.OpenTTY()
	if err != nil {
		return false
	}
	defer tty.Close()
	return term.IsTerminal(int(tty.Fd()))
}

// promptSecret asks for a secret on the controlling terminal, not on
// stdin/stdout, which may carry the data being sealed or opened.
func promptSecret(ios *IOStreams, prompt string) ([]byte, error) {
	tty, err := ios.OpenTTY()
	if err != nil {
		return nil, errNoTerminal
	}
	defer tty.Close()
	if !term.IsTerminal(int(tty.Fd())) {
		return nil, errNoTerminal
	}
	fmt.Fprintf(tty, "%s: ", strings.TrimSuffix(strings.TrimSpace(prompt), ":"))
	secret, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("failed to read from the terminal: %w", err)
	}
	return secret, nil
}
