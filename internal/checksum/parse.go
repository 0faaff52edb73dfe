package checksum

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Line is one parsed line of a checksum list.
type Line struct {
	Alg  *Algorithm
	Sum  []byte
	Name string
}

// ErrMalformed is wrapped by every ParseLine error.
var ErrMalformed = errors.New("improperly formatted checksum line")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// ParseLine parses one line (without its newline; a trailing carriage
// return is ignored, so CRLF lists work). GNU-format lines are digests
// made with alg; BSD-format lines name their own algorithm. The rules are
// those of coreutils' sha256sum -c: leading blanks are skipped, a leading
// backslash means the name is escaped, and everything after the two-char
// separator ("  " or " *") is the name, spaces included.
func ParseLine(line string, alg *Algorithm) (*Line, error) {
	s := strings.TrimSuffix(line, "\r")
	s = strings.TrimLeft(s, " \t")
	escaped := strings.HasPrefix(s, `\`)
	if escaped {
		s = s[1:]
	}
	var l *Line
	var err error
	if tag, rest, ok := cutTag(s); ok {
		l, err = parseBSD(tag, rest)
	} else {
		l, err = parseGNU(s, alg)
	}
	if err != nil {
		return nil, err
	}
	if escaped {
		name, ok := unescapeName(l.Name)
		if !ok {
			return nil, malformed("file name has an invalid backslash escape")
		}
		l.Name = name
	}
	return l, nil
}

// cutTag splits a BSD-format line after "TAG (" or "TAG(". A tag is
// letters, digits and dashes and is not all hex digits, so that a GNU
// line's digest is never mistaken for one.
func cutTag(s string) (tag, rest string, ok bool) {
	i := strings.IndexByte(s, '(')
	if i <= 0 {
		return "", "", false
	}
	tag = strings.TrimSuffix(s[:i], " ")
	if tag == "" || isHex(tag) {
		return "", "", false
	}
	for _, c := range tag {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "", "", false
		}
	}
	return tag, s[i+1:], true
}

// parseBSD parses `name) = hex`. The name ends at the last ')', because
// BSD tools do not escape names and a name may hold parentheses.
func parseBSD(tag, rest string) (*Line, error) {
	alg := lookupTag(tag)
	if alg == nil {
		return nil, malformed("unsupported algorithm %q", tag)
	}
	i := strings.LastIndexByte(rest, ')')
	if i < 0 {
		return nil, malformed("no ')' after the file name")
	}
	name, after := rest[:i], strings.TrimLeft(rest[i+1:], " \t")
	hexSum, ok := strings.CutPrefix(after, "=")
	if !ok {
		return nil, malformed("no '=' before the digest")
	}
	return newLine(alg, strings.TrimLeft(hexSum, " \t"), name)
}

// parseGNU parses `hex  name` or `hex *name` (the '*' is coreutils'
// binary-mode marker, which means nothing on POSIX systems).
func parseGNU(s string, alg *Algorithm) (*Line, error) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		i = len(s)
	}
	if !isHex(s[:i]) {
		return nil, malformed("the line does not start with a hex digest")
	}
	if i == len(s) {
		return nil, malformed("no file name after the digest")
	}
	hexSum, rest := s[:i], s[i+1:]
	if rest == "" || (rest[0] != ' ' && rest[0] != '*') {
		return nil, malformed("want two spaces (or \" *\") between the digest and the file name")
	}
	return newLine(alg, hexSum, rest[1:])
}

func newLine(alg *Algorithm, hexSum, name string) (*Line, error) {
	if name == "" {
		return nil, malformed("empty file name")
	}
	if !isHex(hexSum) {
		return nil, malformed("digest is not hexadecimal")
	}
	if len(hexSum) != 2*alg.Size {
		return nil, malformed("digest has %d hex digits, a %s digest has %d", len(hexSum), alg.Name, 2*alg.Size)
	}
	sum, _ := hex.DecodeString(hexSum)
	return &Line{Alg: alg, Sum: sum, Name: name}, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}
