package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// displayString escapes what a file says (context pairs, key ids) for a
// terminal table. The format allows any printable Unicode there, which
// includes format characters: U+202E RIGHT-TO-LEFT OVERRIDE and its kin
// reorder what follows, zero-width ones hide, line separators break a
// line, and odd spaces pad. Any of them can make inspect show another
// value than the file holds. Marks (combining characters, variation
// selectors) overlay or hide, and a few letters and symbols print as
// blanks (Hangul fillers, the braille blank). So only ' ' and letters,
// numbers, punctuation and symbols that show are printed as they are;
// every other rune is printed as \uXXXX (and '\' as '\\', so that an
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
		case shows(r):
			b.WriteRune(r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// displayQuoted is strconv.Quote for a terminal: Quote escapes what Go
// deems unprintable but leaves marks and blank letters as they are, so
// those are escaped too (with Go's own \u syntax, so the quoting still
// reads as one Go string).
func displayQuoted(s string) string {
	var b strings.Builder
	for _, r := range strconv.Quote(s) {
		switch {
		case r < utf8.RuneSelf || shows(r):
			b.WriteRune(r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// blanks are letters and symbols that render as empty space.
var blanks = map[rune]bool{0x115f: true, 0x1160: true, 0x3164: true, 0xffa0: true, 0x2800: true}

// shows reports whether r prints as itself: a plain space, or a visible
// letter, number, punctuation mark or symbol.
func shows(r rune) bool {
	if r == ' ' {
		return true
	}
	visible := unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	return visible && !blanks[r]
}
