package keyprovider

import (
	"fmt"
	"strings"
)

// Scheme returns the scheme of a key URI ("file", "awskms", "pkcs11") and
// the rest after the colon. A bare path with no scheme is an error rather
// than a guess, so that "seal --key secret.txt" cannot silently mean
// something else later.
func Scheme(uri string) (scheme, rest string, err error) {
	i := strings.IndexByte(uri, ':')
	if i <= 0 {
		return "", "", fmt.Errorf("key %q has no scheme: %w", uri, ErrBadURI)
	}
	scheme = uri[:i]
	for _, c := range scheme {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return "", "", fmt.Errorf("key %q has an invalid scheme: %w", uri, ErrBadURI)
		}
	}
	return scheme, uri[i+1:], nil
}
