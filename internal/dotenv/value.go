package dotenv

import (
	"errors"
	"strings"
)

func parseValue(raw string) (string, error) {
	switch {
	case raw == "":
		return "", nil
	case raw[0] == '\'':
		return singleQuoted(raw)
	case raw[0] == '"':
		return doubleQuoted(raw)
	case raw[0] == '`':
		return "", errors.New("backquoted values are not supported: use ' or \"")
	}
	return unquoted(raw)
}

// unquoted refuses what parsers read differently: surrounding whitespace
// (trimmed by some, kept by others) and " #" (an inline comment to some).
func unquoted(raw string) (string, error) {
	switch {
	case strings.TrimSpace(raw) != raw:
		return "", errors.New("unquoted value with leading or trailing whitespace: quote it")
	case strings.Contains(raw, " #") || strings.Contains(raw, "\t#"):
		return "", errors.New(`unquoted value containing " #" (an inline comment to some parsers): quote it, or remove the comment`)
	}
	return raw, nil
}

func singleQuoted(raw string) (string, error) {
	body, ok := strings.CutSuffix(raw[1:], "'")
	if !ok || len(raw) < 2 {
		return "", errors.New("single-quoted value without its closing quote at the end of the line")
	}
	if strings.Contains(body, "'") {
		return "", errors.New("single quote inside a single-quoted value")
	}
	return body, nil
}

var escapes = map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', '"': '"', '\\': '\\'}

func doubleQuoted(raw string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"':
			if i != len(raw)-1 {
				return "", errors.New("text after the closing double quote")
			}
			return b.String(), nil
		case c == '\\' && i+1 < len(raw):
			e, ok := escapes[raw[i+1]]
			if !ok {
				return "", errors.New(`unknown escape in a double-quoted value (allowed: \n \r \t \" \\)`)
			}
			b.WriteByte(e)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("double-quoted value without its closing quote at the end of the line")
}
