package checksum

import (
	"encoding/hex"
	"strings"
)

// Format returns one checksum line, without the newline: `<hex>  <name>`
// (GNU) or, with bsd, `<TAG> (<name>) = <hex>`.
//
// A name holding a backslash, newline or carriage return is escaped as
// coreutils does (\\, \n, \r) and the line starts with a backslash, so
// that one file is always one line and `sha256sum -c` reads it back.
func Format(alg *Algorithm, sum []byte, name string, bsd bool) string {
	esc, escaped := escapeName(name)
	prefix := ""
	if escaped {
		prefix = `\`
	}
	if bsd {
		return prefix + alg.Tag + " (" + esc + ") = " + hex.EncodeToString(sum)
	}
	return prefix + hex.EncodeToString(sum) + "  " + esc
}

// QuoteName returns name as `sha256sum -c` prints it in "NAME: OK" lines:
// unchanged, or escaped with a leading backslash when it holds a
// backslash, newline or carriage return.
func QuoteName(name string) string {
	if esc, escaped := escapeName(name); escaped {
		return `\` + esc
	}
	return name
}

var nameEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)

func escapeName(name string) (string, bool) {
	if !strings.ContainsAny(name, "\\\n\r") {
		return name, false
	}
	return nameEscaper.Replace(name), true
}

// unescapeName reverses escapeName. Any other backslash sequence is an
// error, as it is for coreutils.
func unescapeName(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			return "", false
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", false
		}
	}
	return b.String(), true
}
