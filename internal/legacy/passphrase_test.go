package legacy

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestFirstLineMatchesOpenSSL encrypts with `openssl enc -pass file:` for
// pass files holding newlines, CRs, NULs and long lines, and checks that
// FirstLine yields the passphrase openssl really used (it decrypts).
func TestFirstLineMatchesOpenSSL(t *testing.T) {
	cases := map[string]string{
		"plain":            "secret",
		"trailing newline": "secret\n",
		"second line":      "secret\nignored",
		"crlf keeps cr":    "secret\r\n",
		"nul ends it":      "sec\x00ret\n",
		"nul after nl":     "sec\nre\x00t",
		"newline first":    "\nrest",
		"1023 bytes":       strings.Repeat("x", 1023),
		"2000 bytes":       strings.Repeat("y", 2000),
		"binary key":       "\x9a\xfe\x10\x0b\x00\x0a\x77",
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			pf := writeTemp(t, "pass", []byte(data))
			ct := opensslEnc(t, []byte("payload"), "-pass", "file:"+pf, "-iter", "2")
			pass, err := FirstLine([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := decryptAll(ct, pass, KDF{Iter: 2})
			if err != nil || string(got) != "payload" {
				t.Fatalf("FirstLine gave %q: %v", pass, err)
			}
		})
	}
}

// TestFirstLineRefused: where openssl says "Error reading password from
// BIO", FirstLine fails too.
func TestFirstLineRefused(t *testing.T) {
	for _, data := range []string{"", "\x00abc\n", "\x00"} {
		if _, err := FirstLine([]byte(data)); !errors.Is(err, ErrEmptyPassSource) {
			t.Errorf("%q: %v", data, err)
		}
		pf := writeTemp(t, "pass", []byte(data))
		cmd := opensslCmd(t, "enc", "-e", "-aes-256-cbc", "-pass", "file:"+pf, "-iter", "2")
		cmd.Stdin = bytes.NewReader([]byte("x"))
		if out, err := cmd.CombinedOutput(); err == nil || !bytes.Contains(out, []byte("Error reading password")) {
			t.Errorf("%q: openssl accepted it: %v %s", data, err, out)
		}
	}
}

// TestFirstLineRandomKeys: 32-byte random keys, as KMS returns them, used
// with -pass file:, decrypt with FirstLine's answer. Keys with an early
// newline or NUL are forced into the sample.
func TestFirstLineRandomKeys(t *testing.T) {
	keys := [][]byte{}
	for i := range 12 {
		k := randomBytes(32)
		switch i % 4 {
		case 1:
			k[5] = '\n'
		case 2:
			k[9] = 0
		case 3:
			k[0] = '\n'
		}
		if k[0] == 0 {
			k[0] = 1
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		pf := writeTemp(t, "datakey", k)
		ct := opensslEnc(t, []byte("payload"), "-pass", "file:"+pf, "-iter", "1000")
		pass, err := FirstLine(k)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := decryptAll(ct, pass, KDF{Iter: 1000}); err != nil || string(got) != "payload" {
			t.Fatalf("key %x: %v", k, err)
		}
	}
}
