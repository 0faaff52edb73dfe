package cli

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// displayString escapes what a file says (context pairs, key ids) for a
// terminal table. The format allows any printable Unicode there, which
// includes format characters: U+202E RIGHT-TO-LEFT OVERRIDE and its kin
// reorder what follows, zero-width ones hide, line separators break a
// line, and odd spaces pad. Any of them can make inspect show another
// value than the file holds, so every rune that is not graphic, or is a
// space other than ' ', is printed as \uXXXX (and '\' as '\\', so that an
// escape cannot be faked).
func displayString(s string) string {
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == ' ' || unicode.IsGraphic(r) && !unicode.IsSpace(r):
			b.WriteRune(r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}
