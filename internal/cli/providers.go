package cli

import (
	"errors"

	// Every key backend registers its URI scheme in init. Adding a backend
	// is one package plus one line here (and its hint below, if any).
	_ "github.com/envseal/envseal/pkg/keyprovider/awskms"
	_ "github.com/envseal/envseal/pkg/keyprovider/localkey"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// backendHint returns a backend's next step for one of its errors.
func backendHint(err error) string {
	var h interface{ Hint() string } // awskms errors carry their own
	if errors.As(err, &h) {
		return h.Hint()
	}
	return pkcs11.Hint(err)
}

// Cleanup releases what backends hold for the whole run (HSM sessions and
// logins). main defers it.
func Cleanup() {
	if abandoned.Load() {
		return // a stuck command may hold a session: the exit releases it
	}
	pkcs11.CloseAll()
}
