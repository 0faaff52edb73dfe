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
