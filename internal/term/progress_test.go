package term

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// Small jobs, and any job without a writer, draw nothing; a long one
// draws a bar and Finish clears it. The bytes pass through unchanged.
func TestProgress(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		w    bool
		bar  bool
	}{
		{"small", progressAfter - 1, true, false},
		{"no writer", 2 * progressAfter, false, false},
		{"long", 2 * progressAfter, true, true},
	} {
		var bar bytes.Buffer
		var w io.Writer
		if tt.w {
			w = &bar
		}
		p := NewProgress(strings.NewReader(strings.Repeat("x", tt.n)), w, int64(tt.n), "sealing")
		n, err := io.Copy(io.Discard, p)
		p.Finish()
		if err != nil || n != int64(tt.n) {
			t.Errorf("%s: copied %d, %v; want %d", tt.name, n, err, tt.n)
		}
		if got := strings.Contains(bar.String(), "sealing"); got != tt.bar {
			t.Errorf("%s: bar drawn = %v, want %v (%q)", tt.name, got, tt.bar, bar.String())
		}
	}
}
