package pkcs11

import "errors"

// Characters RFC 7512 allows unencoded in attribute values. Both sets hold
// the RFC 3986 unreserved characters and ":[]@!$'()*+,="; a path value may
// also hold "&" (errata 5499) and a query value "/?|". Everything else must
// be percent-encoded.
var pathChars, queryChars = charSet("&"), charSet("/?|")

func charSet(extra string) *[256]bool {
	var set [256]bool
	for c := 'a'; c <= 'z'; c++ {
		set[c], set[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		set[c] = true
	}
	for _, c := range "-._~:[]@!$'()*+,=" + extra {
		set[c] = true
	}
	return &set
}

// pctDecode decodes the percent-encoded value s, rejecting any character
// that RFC 7512 requires to be encoded. Errors never quote s.
func pctDecode(s string, allowed *[256]bool) (string, error) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) {
				return "", errors.New("has a truncated percent-encoding")
			}
			hi, lo := unhex(s[i+1]), unhex(s[i+2])
			if hi < 0 || lo < 0 {
				return "", errors.New("has an invalid percent-encoding")
			}
			b = append(b, byte(hi<<4|lo))
			i += 2
			continue
		}
		if !allowed[c] {
			return "", errors.New("has a character that must be percent-encoded")
		}
		b = append(b, c)
	}
	return string(b), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// pctEncode encodes every byte of s outside allowed; a nil allowed encodes
// every byte, as RFC 7512 recommends for id.
func pctEncode(s string, allowed *[256]bool) string {
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if allowed != nil && allowed[c] {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}
