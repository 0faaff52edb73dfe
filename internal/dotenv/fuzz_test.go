package dotenv

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: any input parses or fails with a SyntaxError; accepted keys
// are valid names, unique, and no value holds a NUL (it could not be put
// in an environment).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"A=1\nB='x y'\nC=\"a\\nb\"\n", "export A=1", "A = 1", "A=1 # c", "A='x", "A=\"\\q\"",
		"# only a comment\n\n", "\xef\xbb\xbfA=1\r\n", "A=1\nA=2",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := Parse(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, v := range vars {
			if !validKey(v.Key) || seen[v.Key] || strings.IndexByte(v.Value, 0) >= 0 {
				t.Fatalf("accepted %q", v)
			}
			seen[v.Key] = true
		}
	})
}
