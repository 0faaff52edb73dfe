package envelope

import (
	"strings"
	"unicode/utf8"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// ValidateContext checks an encryption context against the format's rules:
// at most MaxContextPairs pairs, keys of 1 to MaxContextKey bytes without
// '=', values up to MaxContextValue bytes, all valid UTF-8 without control
// characters (they would corrupt terminals and logs in inspect output).
func ValidateContext(c map[string]string) error {
	if len(c) > MaxContextPairs {
		return malformed("%d context pairs, limit %d", len(c), MaxContextPairs)
	}
	for k, v := range c {
		if len(k) == 0 || len(k) > MaxContextKey {
			return malformed("context key of %d bytes, want 1 to %d", len(k), MaxContextKey)
		}
		if strings.ContainsRune(k, '=') || !printable(k) {
			return malformed("context key %q has '=' or a control character or is not UTF-8", k)
		}
		if len(v) > MaxContextValue {
			return malformed("context value for %q is %d bytes, limit %d", k, len(v), MaxContextValue)
		}
		if !printable(v) {
			return malformed("context value for %q has a control character or is not UTF-8", k)
		}
	}
	return nil
}

func validateStanza(s *keyprovider.Stanza) error {
	if !validType(s.Type) {
		return malformed("stanza type %q: want 1 to %d of a-z 0-9 . - starting with a letter", s.Type, MaxStanzaType)
	}
	if len(s.KeyID) > MaxKeyID || !printable(s.KeyID) {
		return malformed("stanza key id: over %d bytes, not UTF-8, or has a control character", MaxKeyID)
	}
	if len(s.Body) == 0 || len(s.Body) > MaxStanzaBody {
		return malformed("stanza body of %d bytes, want 1 to %d", len(s.Body), MaxStanzaBody)
	}
	return nil
}

func validType(t string) bool {
	if len(t) == 0 || len(t) > MaxStanzaType || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
