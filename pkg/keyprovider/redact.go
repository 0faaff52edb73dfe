package keyprovider

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrKeyMaterial is returned (wrapped, along with ErrBadURI) for a key
// URI or file name that is itself a secret key: an age identity, a PEM
// private key pasted whole, anything with a line break. Such a value is
// never quoted in a message (see Redact).
var ErrKeyMaterial = errors.New("secret key material in place of a key URI")

// secretPrefix matches the start of an age identity, native or plugin,
// in any case (a shell or a tool may have changed it): the Bech32
// separator "1" and data must follow, so that a file name such as
// age-plugin-yubikey.txt is not taken for one.
var secretPrefix = regexp.MustCompile(`(?i)\bAGE-(?:SECRET-KEY-(?:PQ-)?|PLUGIN-[A-Z0-9._+-]*?-)1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{6}`)

// maxShown is the longest value a message quotes: a path or URI is
// shorter, a private key pasted on one line is longer.
const maxShown = 512

// Redact returns s as a message may show it: unchanged when it looks like
// a URI or path, else a description that keeps no secret (the identity's
// prefix, "a PEM private key", or the length). Errors that name a key the
// user typed go through it, since that value may be the key itself.
func Redact(s string) string {
	if loc := secretPrefix.FindStringIndex(s); loc != nil {
		// Keep what precedes the identity (a scheme) and its marker up
		// to the Bech32 separator: enough to see what was typed.
		cut := loc[0] + strings.LastIndexByte(s[loc[0]:loc[1]], '1') + 1
		return s[:cut] + "… (redacted)"
	}
	if isPEMPrivateKey(s) {
		return "a PEM private key (redacted)"
	}
	if strings.ContainsAny(s, "\r\n") || len(s) > maxShown {
		return fmt.Sprintf("a %d-byte value (redacted)", len(s))
	}
	return s
}

func isPEMPrivateKey(s string) bool {
	return strings.Contains(strings.ToUpper(s), "PRIVATE KEY-----")
}

// CheckNotSecret returns an error wrapping ErrKeyMaterial and ErrBadURI
// when s, a key URI or a key file name, is a secret key itself rather
// than the name of one; nil otherwise. Backends that take a file name call
// it before opening the file, so that the name never reaches an
// os.PathError.
func CheckNotSecret(s string) error {
	// A long value with none of the marks may be a deep path: Redact
	// keeps it out of messages, but it is not refused.
	if secretPrefix.MatchString(s) || isPEMPrivateKey(s) || strings.ContainsAny(s, "\r\n") {
		return &keyMaterialError{shown: Redact(s)}
	}
	return nil
}

type keyMaterialError struct{ shown string }

func (e *keyMaterialError) Error() string {
	return "key " + e.shown + " is a secret key, not a key URI or file name"
}

func (e *keyMaterialError) Is(target error) bool {
	return target == ErrKeyMaterial || target == ErrBadURI
}
