package term

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestCopyText(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		err  error
	}{
		{"text", "KEY=value\n\tü €\r\n", nil},
		{"empty", "", nil},
		{"escape", "ok\x1b[2J", ErrBinary},
		{"nul", "a\x00b", ErrBinary},
		{"del", "a\x7f", ErrBinary},
		{"c1", "a\u009bb", ErrBinary},
		{"not utf-8", "a\xffb", ErrBinary},
		{"large", strings.Repeat("x", textLimit+1), ErrTooLarge},
	} {
		var out bytes.Buffer
		err := CopyText(&out, strings.NewReader(tt.in))
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
		}
		want := tt.in
		if tt.err != nil {
			want = "" // nothing at all, not the text before the escape
		}
		if out.String() != want {
			t.Errorf("%s: printed %d bytes, want %d", tt.name, out.Len(), len(want))
		}
	}
}

// peekWriter keeps the slice it is given, which the io.Writer contract
// lets CopyText reuse: the test can see whether the buffer was wiped.
type peekWriter struct{ p []byte }

func (w *peekWriter) Write(p []byte) (int, error) {
	w.p = p
	return len(p), nil
}

// CopyText wipes the plaintext it held once it is written, up to the
// buffer's capacity.
func TestCopyTextWipes(t *testing.T) {
	var w peekWriter
	in := strings.Repeat("SECRET=hunter2\n", 10000) // many growths
	if err := CopyText(&w, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if len(w.p) != len(in) {
		t.Fatalf("wrote %d bytes, want %d", len(w.p), len(in))
	}
	if !allZero(w.p[:cap(w.p)]) {
		t.Errorf("plaintext left in the buffer after CopyText")
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
