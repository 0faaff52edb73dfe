package localkey_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

func TestGenerateSigningKey(t *testing.T) {
	tests := []struct {
		typ  localkey.KeyType
		want func(crypto.PublicKey) bool
	}{
		{localkey.Ed25519, func(p crypto.PublicKey) bool { _, ok := p.(ed25519.PublicKey); return ok }},
		{localkey.ECDSAP256, func(p crypto.PublicKey) bool { k, ok := p.(*ecdsa.PublicKey); return ok && k.Curve == elliptic.P256() }},
		{localkey.ECDSAP384, func(p crypto.PublicKey) bool { k, ok := p.(*ecdsa.PublicKey); return ok && k.Curve == elliptic.P384() }},
		{localkey.RSA3072, func(p crypto.PublicKey) bool { k, ok := p.(*rsa.PublicKey); return ok && k.N.BitLen() == 3072 }},
		{localkey.RSA4096, func(p crypto.PublicKey) bool { k, ok := p.(*rsa.PublicKey); return ok && k.N.BitLen() == 4096 }},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			if testing.Short() && tt.typ == localkey.RSA4096 {
				t.Skip("RSA-4096 generation is slow")
			}
			path := filepath.Join(t.TempDir(), "k.pem")
			gen, err := localkey.GenerateSigningKey(path, tt.typ, false)
			if err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("key file mode %v, %v; want 0600", fi.Mode().Perm(), err)
			}
			var warn bytes.Buffer
			k, err := localkey.Open(path, &keyprovider.Options{Warnings: &warn})
			if err != nil || warn.Len() != 0 {
				t.Fatalf("Open: %v, warnings %q", err, warn.String())
			}
			sk, ok := k.(keyprovider.Signer)
			if !ok || k.URI() != "file:"+path {
				t.Fatalf("Open returned %T %q, want a keyprovider.Signer", k, k.URI())
			}
			s, err := sk.Signer(context.Background())
			if err != nil || !tt.want(s.Public()) {
				t.Fatalf("Signer: %T, %v", s.Public(), err)
			}
			if !gen.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(s.Public()) {
				t.Fatal("loaded key differs from the generated one")
			}
			if _, isWrapper := k.(keyprovider.Wrapper); isWrapper {
				t.Fatal("a signing key must not be usable to seal")
			}
		})
	}
}

func TestGenerateSigningKeyNeverClobbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.pem")
	first, err := localkey.GenerateSigningKey(path, localkey.Ed25519, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := localkey.GenerateSigningKey(path, localkey.Ed25519, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second GenerateSigningKey: %v, want ErrExist", err)
	}
	k, _ := localkey.Open(path, nil)
	if !first.Public().(ed25519.PublicKey).Equal(k.(*localkey.SigningKey).Public()) {
		t.Fatal("refused GenerateSigningKey still changed the key file")
	}
	if _, err := localkey.GenerateSigningKey(path, localkey.Ed25519, true); err != nil {
		t.Fatalf("forced GenerateSigningKey: %v", err)
	}
}

func TestOpenDispatchesOnPEMType(t *testing.T) {
	dir := t.TempDir()
	kek := filepath.Join(dir, "kek.key")
	if _, err := localkey.Generate(kek, false); err != nil {
		t.Fatal(err)
	}
	k, err := localkey.Open(kek, nil)
	if _, ok := k.(*localkey.Key); !ok || err != nil {
		t.Fatalf("KEK file opened as %T, %v", k, err)
	}
	if _, isSigner := k.(keyprovider.Signer); isSigner {
		t.Fatal("a key-encryption key must not be usable to sign")
	}
	// The registered file: scheme goes through Open too.
	k, err = keyprovider.Open(context.Background(), "file:"+writeKey(t, ed25519Key(t)), nil)
	if _, ok := k.(*localkey.SigningKey); !ok || err != nil {
		t.Fatalf("PKCS#8 file opened as %T, %v", k, err)
	}
}

func TestOpenExplainsOtherPEMTypes(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	spki, _ := x509.MarshalPKIXPublicKey(ec.Public())
	tests := map[string]struct {
		data []byte
		want string
	}{
		"sec1":      {pemBlock("EC PRIVATE KEY", sec1), "openssl pkcs8 -topk8 -nocrypt"},
		"pkcs1":     {pemBlock("RSA PRIVATE KEY", []byte{1}), "openssl pkcs8 -topk8 -nocrypt"},
		"encrypted": {pemBlock("ENCRYPTED PRIVATE KEY", []byte{1}), "passphrase-encrypted"},
		"public":    {pemBlock("PUBLIC KEY", spki), "--pubkey"},
		"cert":      {pemBlock("CERTIFICATE", []byte{1}), `want "ENVSEAL AES-256 KEY" or "PRIVATE KEY"`},
		"not pem":   {[]byte("hello"), "no PEM block"},
	}
	for name, tt := range tests {
		path := filepath.Join(t.TempDir(), "k.pem")
		os.WriteFile(path, tt.data, 0o600)
		_, err := localkey.Open(path, nil)
		if !errors.Is(err, localkey.ErrKeyFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrKeyFile mentioning %q", name, err, tt.want)
		}
	}
}

func TestOpenWarnsOnLoosePrivateKey(t *testing.T) {
	path := writeKey(t, ed25519Key(t))
	os.Chmod(path, 0o644)
	var warn bytes.Buffer
	if _, err := localkey.Open(path, &keyprovider.Options{Warnings: &warn}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warn.String(), "readable by other users (mode 0644)") {
		t.Fatalf("warning = %q", warn.String())
	}
}

func TestParsePrivateKeyRejects(t *testing.T) {
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	x25519, _ := ecdh.X25519().GenerateKey(rand.Reader)
	valid := ed25519Key(t)
	tests := map[string]struct {
		data []byte
		want string
	}{
		"p-521":         {pkcs8(t, p521), "P-521, want P-256 or P-384"},
		"x25519":        {pkcs8(t, x25519), "unsupported private key type"},
		"garbage der":   {pemBlock("PRIVATE KEY", []byte{0x30, 0}), "invalid PKCS#8"},
		"trailing data": {append(bytes.Clone(valid), "extra"...), "unexpected data"},
		"two keys":      {append(bytes.Clone(valid), valid...), "unexpected data"},
		"pem headers":   {bytes.Replace(valid, []byte("KEY-----\n"), []byte("KEY-----\nProc-Type: 4,ENCRYPTED\n\n"), 1), "unexpected data"},
		"kek":           {mustMarshalKEK(t), `want "PRIVATE KEY"`},
	}
	for name, tt := range tests {
		_, err := localkey.ParsePrivateKey(tt.data)
		if !errors.Is(err, localkey.ErrKeyFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrKeyFile mentioning %q", name, err, tt.want)
		}
	}
	// A comment before the block, as in a key-encryption key file, is fine.
	if _, err := localkey.ParsePrivateKey(append([]byte("# signing key\n"), valid...)); err != nil {
		t.Errorf("leading comment: %v", err)
	}
}

func TestParseKeyType(t *testing.T) {
	for _, s := range []string{"aes-256", "ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-3072", "rsa-4096"} {
		if typ, err := localkey.ParseKeyType(s); err != nil || string(typ) != s {
			t.Errorf("ParseKeyType(%q) = %q, %v", s, typ, err)
		}
	}
	if typ, err := localkey.ParseKeyType(""); err != nil || typ != localkey.AES256 || typ.Signing() {
		t.Errorf(`ParseKeyType("") = %q, %v; want the aes-256 default`, typ, err)
	}
	if _, err := localkey.ParseKeyType("rsa-2048"); err == nil || !strings.Contains(err.Error(), "known: aes-256, ed25519") {
		t.Errorf("ParseKeyType(rsa-2048) = %v", err)
	}
}

// FuzzParsePrivateKey: the parser never panics, accepts only the supported
// key types, and what it accepts re-encodes to a key it accepts again.
func FuzzParsePrivateKey(f *testing.F) {
	ed := ed25519.NewKeyFromSeed(make([]byte, 32))
	edPEM, _ := localkey.MarshalPrivateKey(ed)
	f.Add(edPEM)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPEM, _ := localkey.MarshalPrivateKey(ec)
	f.Add(ecPEM)
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := localkey.ParsePrivateKey(data)
		if err != nil {
			return
		}
		if _, err := localkey.NewSigningKey(key, "file:x"); err != nil {
			t.Fatalf("accepted an unsupported key: %v", err)
		}
		again, err := localkey.MarshalPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := localkey.ParsePrivateKey(again); err != nil {
			t.Fatalf("re-encoded key does not parse: %v", err)
		}
	})
}

func ed25519Key(t *testing.T) []byte {
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	data, err := localkey.MarshalPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeKey(t *testing.T, data []byte) string {
	path := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pkcs8(t *testing.T, key any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("PRIVATE KEY", der)
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func mustMarshalKEK(t *testing.T) []byte {
	data, err := localkey.Marshal(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
