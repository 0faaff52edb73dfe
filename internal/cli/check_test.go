package cli

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
)

// textRun finds a run of minTextRun text bytes with a line break, and
// nothing shorter, nothing without a line break, nothing in random bytes.
func TestTextRun(t *testing.T) {
	noise := make([]byte, 1<<20)
	rand.Read(noise)
	tests := []struct {
		name string
		in   []byte
		want int64
	}{
		{"random", noise, -1},
		{"31 bytes with a line break", append([]byte{0}, strings.Repeat("a", 30)+"\n"...), -1},
		{"32 bytes with a line break", append([]byte{0, 1}, strings.Repeat("a", 31)+"\n"...), 2},
		{"100 bytes, no line break", []byte(strings.Repeat("a", 100)), -1},
		{"across reads", append(append(bytes.Repeat([]byte{0}, 64<<10-10), strings.Repeat("b", 40)...), "\n\xff"...), 64<<10 - 10},
	}
	for _, tt := range tests {
		if got, err := textRun(bytes.NewReader(tt.in)); err != nil || got != tt.want {
			t.Errorf("%s: textRun = %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
}
