package sign_test

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/sign"
)

func TestPublicKeyRoundTrip(t *testing.T) {
	for name, key := range keys() {
		data, err := sign.MarshalPublicKey(key.Public())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("-----BEGIN PUBLIC KEY-----\n")) {
			t.Errorf("%s: not an SPKI PEM: %q", name, data)
		}
		pub, err := sign.ParsePublicKey(data)
		if err != nil || !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
			t.Errorf("%s: round trip: %v", name, err)
		}
	}
}

func TestParsePublicKeyRejects(t *testing.T) {
	valid, _ := sign.MarshalPublicKey(keys()["ed25519"].Public())
	x, _ := ecdh.X25519().GenerateKey(rand.Reader)
	xder, _ := x509.MarshalPKIXPublicKey(x.PublicKey())
	tests := map[string]struct {
		data []byte
		err  error
	}{
		"empty":         {nil, sign.ErrPublicKeyFile},
		"private key":   {bytes.ReplaceAll(valid, []byte("PUBLIC"), []byte("PRIVATE")), sign.ErrPublicKeyFile},
		"trailing data": {append(bytes.Clone(valid), "x"...), sign.ErrPublicKeyFile},
		"bad der":       {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{0x30, 0}}), sign.ErrPublicKeyFile},
		"x25519":        {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: xder}), sign.ErrUnsupportedKey},
	}
	for name, tt := range tests {
		if _, err := sign.ParsePublicKey(tt.data); !errors.Is(err, tt.err) {
			t.Errorf("%s: err = %v, want %v", name, err, tt.err)
		}
	}
}

func TestArmor(t *testing.T) {
	for name, key := range keys() {
		sig, _ := sign.Sign(key, strings.NewReader("m"))
		a := sign.Armor(sig)
		if bytes.Count(a, []byte("\n")) != 1 || a[len(a)-1] != '\n' {
			t.Errorf("%s: armor is not one line: %q", name, a)
		}
		if got := sign.Dearmor(a); !bytes.Equal(got, sig) {
			t.Errorf("%s: armor does not round-trip", name)
		}
		// base64 -w 64 output, CRLF and all, decodes too.
		wrapped := bytes.Join(chunks(bytes.TrimSpace(a), 64), []byte("\r\n"))
		if got := sign.Dearmor(wrapped); !bytes.Equal(got, sig) {
			t.Errorf("%s: wrapped armor does not decode", name)
		}
		if got := sign.Dearmor(sig); !bytes.Equal(got, sig) {
			t.Errorf("%s: a binary signature was changed", name)
		}
	}
}

func chunks(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > n {
		out = append(out, b[:n])
		b = b[n:]
	}
	return append(out, b)
}

// FuzzParsePublicKey: the parser never panics, and what it accepts has a
// signing scheme and re-encodes to the same key.
func FuzzParsePublicKey(f *testing.F) {
	for _, name := range []string{"ed25519", "ecdsa-p256"} {
		data, _ := sign.MarshalPublicKey(keys()[name].Public())
		f.Add(data)
	}
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := sign.ParsePublicKey(data)
		if err != nil {
			return
		}
		if _, err := sign.SchemeFor(pub); err != nil {
			t.Fatalf("accepted a key with no scheme: %v", err)
		}
		again, err := sign.MarshalPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sign.ParsePublicKey(again); err != nil {
			t.Fatalf("re-encoded key does not parse: %v", err)
		}
	})
}
