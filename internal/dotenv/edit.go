package dotenv

import (
	"bytes"
	"errors"
	"strings"
)

// ValidKey reports whether k is a variable name Parse accepts:
// [A-Za-z_][A-Za-z0-9_]*.
func ValidKey(k string) bool { return validKey(k) }

// ErrNUL is Quote's error for a value with a NUL byte, which no
// environment variable can hold.
var ErrNUL = errors.New("a value cannot hold a NUL byte")

// Quote writes value so that Parse, and the other common dotenv parsers,
// read it back exactly:
//
//	abc-1.2/x:y@z       as it is, when it has only letters, digits and _ . / : @ + , = % ^ ~ -
//	'a b #c $d "e"'     single quotes otherwise, which no parser expands or unescapes
//	"it's\nmulti"       double quotes, with \n \r \t \" \\ escaped, for a value
//	                    with a ' or a line break ('...' cannot hold them)
//
// (A value in double quotes with a '$' is expanded by some other parsers,
// such as docker compose; envseal never expands it.)
func Quote(value string) (string, error) {
	if strings.IndexByte(value, 0) >= 0 {
		return "", ErrNUL
	}
	var q string
	switch {
	case strings.Trim(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@+,=%^~-") == "":
		q = value
	case !strings.ContainsAny(value, "'\n\r"):
		q = "'" + value + "'"
	default:
		q = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(value) + `"`
	}
	if got, err := parseValue(q); err != nil || got != value {
		// Cannot happen for the forms above; never write what would not
		// read back.
		return "", errors.New("the value cannot be written as a dotenv value")
	}
	return q, nil
}

// Set returns data with key set to value (see Quote). The line that sets
// key gets the new value and keeps what came before its '=' (indentation,
// "export ") and its line ending; a key that is not set is appended as a
// new last line, ended as the last line break of the file is (\r\n or
// \n), so that a CRLF file stays one. Every other byte, comments and order included, is
// kept. data must parse.
func Set(data []byte, key, value string) ([]byte, error) {
	if !validKey(key) {
		return nil, errors.New("invalid variable name")
	}
	q, err := Quote(value)
	if err != nil {
		return nil, err
	}
	bom, lines, at, err := find(data, key)
	if err != nil {
		return nil, err
	}
	if at < 0 {
		eol := "\n"
		if len(lines) > 1 && bytes.HasSuffix(lines[len(lines)-2], []byte("\r")) {
			eol = "\r\n"
		}
		body := bytes.Join(lines, []byte("\n"))
		if len(body) > 0 && !bytes.HasSuffix(body, []byte("\n")) {
			body = append(body, eol...)
		}
		return concat(bom, body, []byte(key+"="+q+eol)), nil
	}
	line := lines[at]
	eq := bytes.IndexByte(line, '=')
	cr := ""
	if bytes.HasSuffix(line, []byte("\r")) {
		cr = "\r"
	}
	lines[at] = concat(line[:eq+1], []byte(q+cr))
	return concat(bom, bytes.Join(lines, []byte("\n"))), nil
}

// Unset returns data without the line that sets key, and whether there
// was one; every other byte is kept. data must parse.
func Unset(data []byte, key string) ([]byte, bool, error) {
	bom, lines, at, err := find(data, key)
	if err != nil || at < 0 {
		return data, false, err
	}
	if at == len(lines)-1 && at > 0 {
		// The last line, with no line break after it: the break that
		// ended the line before stays with that line.
		return concat(bom, bytes.Join(lines[:at], []byte("\n")), []byte("\n")), true, nil
	}
	lines = append(lines[:at:at], lines[at+1:]...)
	return concat(bom, bytes.Join(lines, []byte("\n"))), true, nil
}

// find parses data and returns its BOM, its lines (split on \n, each
// with its \r if it had one) and the index of the line that sets key, or
// -1.
func find(data []byte, key string) (bom []byte, lines [][]byte, at int, err error) {
	if _, err := Parse(data); err != nil {
		return nil, nil, -1, err
	}
	body := data
	if b, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		bom, body = data[:3], b
	}
	lines = bytes.Split(bytes.Clone(body), []byte("\n"))
	for i, line := range lines {
		trimmed := strings.TrimLeft(strings.TrimSuffix(string(line), "\r"), " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		if v, err := parseLine(trimmed, i+1); err == nil && v.Key == key {
			return bom, lines, i, nil
		}
	}
	return bom, lines, -1, nil
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
