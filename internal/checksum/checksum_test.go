package checksum_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/envseal/envseal/internal/checksum"
)

// Known answers for "abc", from openssl dgst.
func TestSumKnownAnswers(t *testing.T) {
	tests := map[string]string{
		"sha256":      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"sha384":      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
		"sha512":      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		"sha3-256":    "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
		"sha3-512":    "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
		"blake2b-512": "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
	}
	if len(tests) != len(checksum.Names()) {
		t.Fatalf("%d known answers for %d algorithms", len(tests), len(checksum.Names()))
	}
	for name, want := range tests {
		alg, err := checksum.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		// One byte per Read: Sum must not depend on how reads are split.
		got, err := checksum.Sum(alg.New(), iotest.OneByteReader(strings.NewReader("abc")))
		if err != nil || hex.EncodeToString(got) != want || len(got) != alg.Size {
			t.Errorf("%s(abc) = %x, %v; want %s", name, got, err, want)
		}
	}
}

func TestSumReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom))
	if _, err := checksum.Sum(checksum.Default().New(), r); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the read error", err)
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := checksum.Lookup("md5")
	var ue *checksum.UnknownAlgorithmError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "blake2b-512") {
		t.Fatalf("err = %v", err)
	}
}

func TestFormat(t *testing.T) {
	sha256, _ := checksum.Lookup("sha256")
	b2, _ := checksum.Lookup("blake2b-512")
	sum := bytes.Repeat([]byte{0xab}, 32)
	h := strings.Repeat("ab", 32)
	tests := []struct {
		alg  *checksum.Algorithm
		name string
		bsd  bool
		want string
	}{
		{sha256, "a.txt", false, h + "  a.txt"},
		{sha256, "-", false, h + "  -"},
		{sha256, "sp ace", true, "SHA256 (sp ace) = " + h},
		{sha256, `a\b`, false, `\` + h + `  a\\b`},
		{sha256, "n\nl\rx", false, `\` + h + `  n\nl\rx`},
		{sha256, "n\nl", true, `\SHA256 (n\nl) = ` + h},
		{b2, "f", true, "BLAKE2b (f) = " + strings.Repeat("ab", 64)},
	}
	for _, tt := range tests {
		s := sum
		if tt.alg == b2 {
			s = bytes.Repeat([]byte{0xab}, 64)
		}
		if got := checksum.Format(tt.alg, s, tt.name, tt.bsd); got != tt.want {
			t.Errorf("Format(%q, bsd=%v) = %q, want %q", tt.name, tt.bsd, got, tt.want)
		}
	}
}

func TestParseLine(t *testing.T) {
	sha256, _ := checksum.Lookup("sha256")
	h := strings.Repeat("0f", 32)
	tests := []struct {
		line, alg, name string
	}{
		{h + "  a.txt", "sha256", "a.txt"},
		{h + " *a.txt", "sha256", "a.txt"},
		{strings.ToUpper(h) + "  a.txt", "sha256", "a.txt"},
		{h + "   lead space", "sha256", " lead space"},
		{h + "  trailing \r", "sha256", "trailing "},
		{"  " + h + "  indented", "sha256", "indented"},
		{h + "\t a.txt", "sha256", "a.txt"},
		{`\` + h + `  a\\b\nc`, "sha256", "a\\b\nc"},
		{"SHA256 (a (1).txt) = " + h, "sha256", "a (1).txt"},
		{"SHA256(x)=" + h, "sha256", "x"},
		{"SHA384 (x) = " + strings.Repeat("0f", 48), "sha384", "x"},
		{"SHA3-256 (x) = " + h, "sha3-256", "x"},
		{"BLAKE2b (x) = " + strings.Repeat("0f", 64), "blake2b-512", "x"},
		{"BLAKE2b-512 (x) = " + strings.Repeat("0f", 64), "blake2b-512", "x"},
		{`\SHA256 (a\\b) = ` + h, "sha256", `a\b`},
	}
	for _, tt := range tests {
		l, err := checksum.ParseLine(tt.line, sha256)
		if err != nil {
			t.Errorf("ParseLine(%q): %v", tt.line, err)
			continue
		}
		if l.Alg.Name != tt.alg || l.Name != tt.name || len(l.Sum) != l.Alg.Size || l.Sum[0] != 0x0f {
			t.Errorf("ParseLine(%q) = %s %q %x", tt.line, l.Alg.Name, l.Name, l.Sum)
		}
	}
}

func TestParseLineMalformed(t *testing.T) {
	sha256, _ := checksum.Lookup("sha256")
	h := strings.Repeat("0f", 32)
	tests := map[string]string{
		"":                                "does not start with a hex digest",
		"hello":                           "does not start with a hex digest",
		h:                                 "no file name",
		h + " a.txt":                      "two spaces",
		h + "  ":                          "empty file name",
		h[:63] + "g  a.txt":               "does not start with a hex digest",
		h[:62] + "  a.txt":                "62 hex digits, a sha256 digest has 64",
		strings.Repeat("0f", 64) + "  a":  "128 hex digits",
		`\` + h + `  a\tb`:                "invalid backslash escape",
		`\` + h + `  a\`:                  "invalid backslash escape",
		"MD5 (a) = " + h[:32]:             `unsupported algorithm "MD5"`,
		"SHA256 (a = " + h:                "no ')'",
		"SHA256 (a) " + h:                 "no '='",
		"SHA256 () = " + h:                "empty file name",
		"SHA512 (a) = " + h:               "a sha512 digest has 128",
		"# a comment is the caller's job": "does not start with a hex digest",
	}
	for line, want := range tests {
		_, err := checksum.ParseLine(line, sha256)
		if !errors.Is(err, checksum.ErrMalformed) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLine(%q) = %v, want %q", line, err, want)
		}
	}
}

// FuzzParseLine: the parser never panics, and whatever it accepts formats
// back to a line that parses to the same thing.
func FuzzParseLine(f *testing.F) {
	h := strings.Repeat("0f", 32)
	for _, s := range []string{h + "  a", h + " *a", `\` + h + `  a\nb`, "SHA256 (a) = " + h, "BLAKE2b (x)=" + h + h, "x (y"} {
		f.Add(s)
	}
	sha256, _ := checksum.Lookup("sha256")
	f.Fuzz(func(t *testing.T, line string) {
		l, err := checksum.ParseLine(line, sha256)
		if err != nil {
			return
		}
		for _, bsd := range []bool{false, true} {
			again, err := checksum.ParseLine(checksum.Format(l.Alg, l.Sum, l.Name, bsd), l.Alg)
			if err != nil || again.Alg != l.Alg || again.Name != l.Name || !bytes.Equal(again.Sum, l.Sum) {
				t.Fatalf("%q parsed to %q, which does not round-trip (bsd=%v): %v", line, l.Name, bsd, err)
			}
		}
	})
}

func BenchmarkSum(b *testing.B) {
	data := make([]byte, 64<<20)
	for _, name := range checksum.Names() {
		alg, _ := checksum.Lookup(name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				checksum.Sum(alg.New(), bytes.NewReader(data))
			}
		})
	}
}

func TestQuoteName(t *testing.T) {
	for name, want := range map[string]string{"a b": "a b", "-": "-", `a\b`: `\a\\b`, "a\nb": `\a\nb`} {
		if got := checksum.QuoteName(name); got != want {
			t.Errorf("QuoteName(%q) = %q, want %q", name, got, want)
		}
	}
}
