// Package dotenv parses a strict subset of the .env format, for values
// that are secrets.
//
// Dotenv parsers disagree on much of the format (inline comments, $VAR
// expansion, whitespace around values, multi-line values), and a secret
// parsed differently from how its author meant it fails late and
// confusingly: a password "pa$$word" expanded to "pa", "tok # x" cut at
// the '#'. So this parser accepts only lines that every common parser reads
// the same way, refuses the rest with the line number, and never expands
// anything:
//
//	# comment                   ignored, as are blank lines
//	KEY=value                   value: the rest of the line, as is ('$' and '#' included)
//	export KEY=value            "export " is allowed and ignored
//	KEY='value'                 literal; no ' inside
//	KEY="a\nb"                  escapes \n \r \t \" \\ only
//	KEY=                        empty value
//
// Refused: a KEY that is not [A-Za-z_][A-Za-z0-9_]*, spaces around '=',
// an unquoted value with leading or trailing whitespace or containing " #",
// unbalanced quotes or text after the closing quote, unknown escapes,
// NUL bytes, and a KEY set twice. Errors name the line and the key, never
// the value.
package dotenv

import (
	"bytes"
	"fmt"
	"strings"
)

// Var is one KEY=VALUE assignment.
type Var struct {
	Key, Value string
}

// SyntaxError is a line Parse refuses. It holds no part of the value.
type SyntaxError struct {
	Line int
	Key  string // empty when the key itself is the problem
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Key, e.Msg)
}

// Parse returns the assignments in data, in order.
func Parse(data []byte) ([]Var, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 BOM from an editor
	var vars []Var
	first := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.IndexByte(line, 0) >= 0 {
			return nil, &SyntaxError{Line: n, Msg: "NUL byte"}
		}
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		v, err := parseLine(trimmed, n)
		if err != nil {
			return nil, err
		}
		if prev, dup := first[v.Key]; dup {
			return nil, &SyntaxError{Line: n, Key: v.Key, Msg: fmt.Sprintf("set twice (first on line %d)", prev)}
		}
		first[v.Key] = n
		vars = append(vars, v)
	}
	return vars, nil
}

func parseLine(line string, n int) (Var, error) {
	if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		line = strings.TrimLeft(rest, " \t")
	}
	key, raw, ok := strings.Cut(line, "=")
	if !ok {
		return Var{}, &SyntaxError{Line: n, Msg: "not a KEY=VALUE line"}
	}
	if strings.TrimRight(key, " \t") != key && validKey(strings.TrimRight(key, " \t")) {
		return Var{}, &SyntaxError{Line: n, Key: strings.TrimRight(key, " \t"), Msg: "space before '='"}
	}
	if !validKey(key) {
		return Var{}, &SyntaxError{Line: n, Msg: "invalid variable name (want letters, digits and _, not starting with a digit)"}
	}
	val, err := parseValue(raw)
	if err != nil {
		return Var{}, &SyntaxError{Line: n, Key: key, Msg: err.Error()}
	}
	return Var{Key: key, Value: val}, nil
}

func validKey(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for _, c := range []byte(k) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
