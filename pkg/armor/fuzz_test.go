package armor_test

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/armor"
)

// FuzzIsArmored: the detection open uses to choose between armor and
// binary never panics, consumes nothing, and says yes exactly when the
// input starts, after whitespace, with the armor header.
func FuzzIsArmored(f *testing.F) {
	f.Add([]byte(armor.Header + "\n"))
	f.Add([]byte(" \r\n\t" + armor.Header))
	f.Add([]byte("ENVSEAL\x01\x01"))
	f.Add([]byte(strings.Repeat(" ", 5000) + armor.Header))
	f.Fuzz(func(t *testing.T, in []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(in), 64<<10)
		got := armor.IsArmored(br)
		rest := make([]byte, len(in))
		n, _ := br.Read(rest)
		if n > 0 && !bytes.Equal(rest[:n], in[:n]) {
			t.Fatal("IsArmored consumed input")
		}
		// IsArmored skips at most MaxLeadingSpace bytes of leading
		// whitespace before giving up.
		trimmed := bytes.TrimLeft(in, " \t\r\n")
		want := bytes.HasPrefix(trimmed, []byte(armor.Header)) && len(in)-len(trimmed) <= armor.MaxLeadingSpace
		if at := armor.IsArmoredAt(bytes.NewReader(in), int64(len(in))); at != want {
			t.Fatalf("IsArmoredAt = %v for %.40q", at, in)
		}
		if got != want {
			t.Fatalf("IsArmored = %v for %.40q", got, in)
		}
	})
}
