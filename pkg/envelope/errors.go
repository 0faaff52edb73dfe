package envelope

import (
	"errors"
	"fmt"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

var (
	// ErrNotEnvelope means the input does not start with the envelope magic.
	ErrNotEnvelope = errors.New("not an envseal file")
	// ErrLegacyOpenSSL means the input is an `openssl enc` file (Salted__).
	ErrLegacyOpenSSL = errors.New("input is an openssl enc file, not an envseal file")
	// ErrMalformed means the header breaks the format's rules or limits.
	ErrMalformed = errors.New("malformed header")
	// ErrHeaderMAC means the header does not authenticate under the data
	// key a stanza gave: it was changed after sealing.
	ErrHeaderMAC = errors.New("header authentication failed")
	// ErrNotNewHeader means NewPayload was given a header NewHeader did
	// not make (a parsed one): a new payload under a file's header must
	// go through Reencrypt, which checks the old payload's commitment.
	ErrNotNewHeader = errors.New("NewPayload needs a header made by NewHeader; use Reencrypt for a file's header")
)

// UnsupportedVersionError reports a file written by a newer format version.
type UnsupportedVersionError struct {
	Version, Algorithm byte
}

func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("unsupported format version %d (algorithm %d); this build reads versions %d and %d (signed)",
		e.Version, e.Algorithm, Version, VersionSigned)
}

// NoMatchError means none of the given keys can open any stanza.
type NoMatchError struct {
	Stanzas []*keyprovider.Stanza
	// Limited, when set, says which keys that must try stanzas to know
	// their own (keyprovider.LimitedUnwrapper) reached their limit first.
	Limited string
}

func (e *NoMatchError) Error() string {
	if e.Limited != "" {
		return "none of the given keys can open this file (" + e.Limited + ")"
	}
	return "none of the given keys can open this file"
}

// Recipients describes who the file was sealed for, for a hint.
func (e *NoMatchError) Recipients() string {
	var parts []string
	for _, s := range e.Stanzas {
		parts = append(parts, s.Type+" "+s.KeyID)
	}
	return strings.Join(parts, ", ")
}

// ContextError means a required encryption-context pair is missing from
// the file or has another value there.
type ContextError struct {
	Key, Want string
	Got       string
	Present   bool
	// FileContext is the file's whole context, for a hint. Encryption
	// context is not secret: KMS writes it to audit logs in the clear.
	FileContext map[string]string
}

func (e *ContextError) Error() string {
	if !e.Present {
		return fmt.Sprintf("required context %q is not in the file", e.Key)
	}
	return fmt.Sprintf("context %q is %q in the file, not %q", e.Key, e.Got, e.Want)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
