package armor_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/armor"
)

func encode(t testing.TB, p []byte, step int) string {
	t.Helper()
	var buf bytes.Buffer
	w := armor.NewWriter(&buf)
	for rest := p; len(rest) > 0; rest = rest[min(step, len(rest)):] {
		if _, err := w.Write(rest[:min(step, len(rest))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func decode(s string) ([]byte, error) {
	return io.ReadAll(armor.NewReader(strings.NewReader(s)))
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 47, 48, 49, 96, 1000, 100000} {
		p := bytes.Repeat([]byte{0xfb, 0x01, 0x7f}, n)[:n]
		for _, step := range []int{1, 7, 48, 4096} {
			s := encode(t, p, step)
			for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
				if len(line) > 64 && !strings.HasPrefix(line, "-----") {
					t.Fatalf("line of %d characters", len(line))
				}
			}
			got, err := decode(s)
			if err != nil || !bytes.Equal(got, p) {
				t.Fatalf("n=%d step=%d: %v", n, step, err)
			}
		}
	}
}

func TestTolerated(t *testing.T) {
	s := encode(t, []byte("hello, armored world"), 5)
	for name, in := range map[string]string{
		"leading whitespace":  " \n\t\n" + s,
		"trailing whitespace": s + "\n\n  \t\n",
		"crlf":                strings.ReplaceAll(s, "\n", "\r\n"),
		"no final newline":    strings.TrimSuffix(s, "\n"),
	} {
		if got, err := decode(in); err != nil || string(got) != "hello, armored world" {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}

func TestStrict(t *testing.T) {
	p := bytes.Repeat([]byte("0123456789"), 20)
	s := encode(t, p, 1000)
	lines := strings.Split(s, "\n")
	// 47 bytes: one full-length line that ends in padding.
	padded := strings.Split(encode(t, p[:47], 1000), "\n")[1]
	tests := map[string]string{
		"padded middle line":  armor.Header + "\n" + padded + "\nAAAA\n" + armor.Footer + "\n",
		"garbage before":      "x" + s,
		"garbage line before": "hello\n" + s,
		"garbage after":       s + "x",
		"second block after":  s + s,
		"wrong label":         strings.Replace(s, "ENCRYPTED FILE", "SIGNATURE", 2),
		"no footer":           strings.Join(lines[:len(lines)-2], "\n") + "\n",
		"no header":           strings.Join(lines[1:], "\n"),
		"short middle line":   strings.Replace(s, lines[1]+"\n", lines[1][:60]+"\n"+lines[1][60:]+"\n", 1),
		"long line":           strings.Replace(s, lines[1]+"\n"+lines[2], lines[1]+lines[2], 1),
		"non-canonical pad":   strings.Replace(s, lines[len(lines)-3], lines[len(lines)-3][:len(lines[len(lines)-3])-3]+"B==", 1),
		"invalid character":   strings.Replace(s, lines[1], "!"+lines[1][1:], 1),
		"space inside line":   strings.Replace(s, lines[1], lines[1][:10]+" "+lines[1][11:], 1),
		"empty line in body":  strings.Replace(s, lines[1]+"\n", lines[1]+"\n\n", 1),
		"no newlines at all":  strings.Repeat("A", 10000),
	}
	for name, in := range tests {
		if _, err := decode(in); !errors.Is(err, armor.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestIsArmored(t *testing.T) {
	s := encode(t, []byte("x"), 1)
	for in, want := range map[string]bool{
		s:               true,
		"\n\n  " + s:    true,
		"ENVSEAL\x01":   false,
		"":              false,
		"-----BEGIN EN": false,
		strings.Repeat(" ", armor.MaxLeadingSpace) + s:    true,
		strings.Repeat("\n", armor.MaxLeadingSpace+1) + s: false,
	} {
		if got := armor.IsArmored(bufio.NewReaderSize(strings.NewReader(in), armor.SniffSize)); got != want {
			t.Errorf("IsArmored(%.20q) = %v", in, got)
		}
		// Random access (open --offset) decides the same way.
		if got := armor.IsArmoredAt(strings.NewReader(in), int64(len(in))); got != want {
			t.Errorf("IsArmoredAt(%.20q) = %v", in, got)
		}
	}
}

// FuzzReader: the decoder never panics, and whatever it accepts re-encodes
// to the canonical armor of the same bytes.
func FuzzReader(f *testing.F) {
	f.Add(encode(f, []byte("seed data for the armor fuzzer"), 3))
	f.Add(armor.Header + "\n" + armor.Footer + "\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := decode(in)
		if err != nil {
			return
		}
		again, err := decode(encode(t, got, 4096))
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("accepted input does not round-trip: %v", err)
		}
	})
}
