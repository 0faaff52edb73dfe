package keyprovider

import (
	"fmt"
	"strings"
)

// Scheme returns the scheme of a key URI ("file", "awskms", "pkcs11") and
// the rest after the colon. A bare path with no scheme is an error rather
// than a guess, so that "seal --key secret.txt" cannot silently mean
// something else later.
//
// Its errors never quote the whole URI: a mistyped pkcs11 URI
// ("Pkcs11:...?pin-value=1234") carries a PIN in its query, and a value
// that is a secret key itself (an age identity) is refused with
// ErrKeyMaterial without being quoted.
func Scheme(uri string) (scheme, rest string, err error) {
	if err := CheckNotSecret(uri); err != nil {
		return "", "", err
	}
	i := strings.IndexByte(uri, ':')
	if i <= 0 {
		return "", "", fmt.Errorf("key %q has no scheme: %w", withoutQuery(uri), ErrBadURI)
	}
	scheme = uri[:i]
	for _, c := range scheme {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return "", "", fmt.Errorf("key URI scheme %q is invalid (a scheme is lowercase a-z, 0-9, '+', '-', '.'): %w",
				withoutQuery(scheme), ErrBadURI)
		}
	}
	return scheme, uri[i+1:], nil
}

// Printable returns uri cut at its query, where a pin-value would be, and
// redacted if it is a secret key itself (see Redact), so that a message can
// name the key the user typed without its secrets.
func Printable(uri string) string { return withoutQuery(uri) }

// withoutQuery cuts s at the first '?', where a query (and a pin-value)
// would start, and redacts what is left, so that it can be printed.
func withoutQuery(s string) string {
	if before, _, ok := strings.Cut(s, "?"); ok {
		return Redact(before) + "?..."
	}
	return Redact(s)
}
