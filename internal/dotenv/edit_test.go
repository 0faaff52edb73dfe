package dotenv

import (
	"strings"
	"testing"
)

func TestQuoteReadsBack(t *testing.T) {
	for _, v := range []string{"", "plain-1.2/x:y@z", "has space", " lead", "tok # x", "pa$$w0rd", `a"b`, "it's",
		"two\nlines", "tab\there", `back\slash`, "it's\r\nboth", "'", `"`, "#", "é ü"} {
		q, err := Quote(v)
		if err != nil {
			t.Errorf("Quote(%q): %v", v, err)
			continue
		}
		vars, err := Parse([]byte("K=" + q + "\n"))
		if err != nil || len(vars) != 1 || vars[0].Value != v {
			t.Errorf("Quote(%q) = %s, reads back as %v, %v", v, q, vars, err)
		}
	}
	if _, err := Quote("a\x00b"); err != ErrNUL {
		t.Errorf("Quote with NUL: %v", err)
	}
	for v, want := range map[string]string{"abc": "abc", "a b": "'a b'", "a\nb": `"a\nb"`, "it's": `"it's"`} {
		if q, _ := Quote(v); q != want {
			t.Errorf("Quote(%q) = %s, want %s", v, q, want)
		}
	}
}

func TestSetUnsetKeepOtherLines(t *testing.T) {
	const file = "\xef\xbb\xbf# top comment\r\n  export A=1\r\nB='two words'\n\n# B above\nC=3"
	tests := []struct {
		name string
		do   func([]byte) ([]byte, error)
		want string
	}{
		{"replace keeps export, indent and CRLF", func(d []byte) ([]byte, error) { return Set(d, "A", "new value") },
			"\xef\xbb\xbf# top comment\r\n  export A='new value'\r\nB='two words'\n\n# B above\nC=3"},
		{"replace the last line without a newline", func(d []byte) ([]byte, error) { return Set(d, "C", "x") },
			"\xef\xbb\xbf# top comment\r\n  export A=1\r\nB='two words'\n\n# B above\nC=x"},
		{"append adds a line", func(d []byte) ([]byte, error) { return Set(d, "D", "a\nb") },
			"\xef\xbb\xbf# top comment\r\n  export A=1\r\nB='two words'\n\n# B above\nC=3\nD=\"a\\nb\"\n"},
		{"unset removes one line", func(d []byte) ([]byte, error) { out, _, err := Unset(d, "B"); return out, err },
			"\xef\xbb\xbf# top comment\r\n  export A=1\r\n\n# B above\nC=3"},
		{"unset the first", func(d []byte) ([]byte, error) { out, _, err := Unset(d, "A"); return out, err },
			"\xef\xbb\xbf# top comment\r\nB='two words'\n\n# B above\nC=3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.do([]byte(file))
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v\nwant %q", got, err, tt.want)
			}
			if _, err := Parse(got); err != nil {
				t.Fatalf("the result does not parse: %v", err)
			}
		})
	}
	// a CRLF file gets a CRLF line; the last line, unset, takes only its
	// own bytes, not the line break before it
	for _, tt := range []struct{ in, want string }{
		{"A=1\r\nB=2\r\n", "A=1\r\nB=2\r\nD=4\r\n"},
		{"A=1\r\nB=2", "A=1\r\nB=2\r\nD=4\r\n"},
		{"A=1\nB=2", "A=1\nB=2\nD=4\n"},
	} {
		if out, err := Set([]byte(tt.in), "D", "4"); err != nil || string(out) != tt.want {
			t.Errorf("Set(%q, D) = %q, %v; want %q", tt.in, out, err, tt.want)
		}
	}
	for _, tt := range []struct{ in, key, want string }{
		{"A=1\nB=2", "B", "A=1\n"},
		{"A=1\r\nB=2", "B", "A=1\r\n"},
		{"A=1\nB=2\n", "B", "A=1\n"},
		{"B=2", "B", ""},
	} {
		if out, _, err := Unset([]byte(tt.in), tt.key); err != nil || string(out) != tt.want {
			t.Errorf("Unset(%q, %s) = %q, %v; want %q", tt.in, tt.key, out, err, tt.want)
		}
	}
	if out, found, err := Unset([]byte(file), "NOPE"); found || err != nil || string(out) != file {
		t.Errorf("Unset of an absent key: %q, %v, %v", out, found, err)
	}
	if out, err := Set(nil, "A", "1"); err != nil || string(out) != "A=1\n" {
		t.Errorf("Set on an empty file: %q, %v", out, err)
	}
	if _, err := Set([]byte("A = 1\n"), "B", "1"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("Set on a file that does not parse: %v", err)
	}
	if _, err := Set([]byte("A=1\n"), "1A", "1"); err == nil {
		t.Error("Set with an invalid name succeeded")
	}
}
