package cli

import (
	"errors"

	"github.com/envseal/envseal/internal/term"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// backendHint returns a backend's next step for one of its errors: the
// error's own (awskms errors carry one), or the one its backend declares.
func backendHint(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return keyprovider.Hint(err)
}

// Cleanup puts back a terminal a PIN prompt left without echo, and
// releases what backends hold for the whole run (HSM sessions and
// logins). main defers it.
func Cleanup() {
	term.RestoreTerminal()
	if abandoned.Load() {
		return // a stuck command may hold a session: the exit releases it
	}
	_ = keyprovider.CloseAll() // exiting anyway: nothing to do about it
}
