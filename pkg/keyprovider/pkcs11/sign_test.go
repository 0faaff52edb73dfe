//go:build cgo

package pkcs11_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // digests for the tests
	_ "crypto/sha256"
	_ "crypto/sha512"
	"errors"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

func digest(h crypto.Hash, msg string) []byte {
	d := h.New()
	d.Write([]byte(msg))
	return d.Sum(nil)
}

func TestSignECDSA(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	for _, tt := range []struct {
		typ  pkcs11.KeyType
		hash crypto.Hash
	}{{pkcs11.ECDSAP256, crypto.SHA256}, {pkcs11.ECDSAP384, crypto.SHA384}, {pkcs11.ECDSAP256, crypto.SHA512}} {
		k, err := open(t, h.URI("token=T;object="+string(tt.typ)), nil), error(nil)
		if _, err = k.Signer(ctx); errors.Is(err, pkcs11.ErrObjectNotFound) {
			k = generate(t, h, string(tt.typ), tt.typ)
		}
		s, err := k.Signer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pub := s.Public().(*ecdsa.PublicKey)
		d := digest(tt.hash, "message")
		for range 3 {
			sig, err := s.Sign(nil, d, tt.hash)
			if err != nil {
				t.Fatalf("%s %v: %v", tt.typ, tt.hash, err)
			}
			if !ecdsa.VerifyASN1(pub, d, sig) {
				t.Errorf("%s %v: signature does not verify", tt.typ, tt.hash)
			}
			if ecdsa.VerifyASN1(pub, digest(tt.hash, "other"), sig) {
				t.Errorf("%s %v: signature verifies another digest", tt.typ, tt.hash)
			}
		}
		if _, err := s.Sign(nil, d[1:], tt.hash); err == nil {
			t.Errorf("%s: short digest accepted", tt.typ)
		}
	}
}

func TestSignRSAPSS(t *testing.T) {
	h := newHSM(t)
	s, err := generate(t, h, "rsa", pkcs11.RSA3072).Signer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pub := s.Public().(*rsa.PublicKey)
	for _, tt := range []struct {
		hash crypto.Hash
		salt int
	}{
		{crypto.SHA256, rsa.PSSSaltLengthEqualsHash},
		{crypto.SHA256, rsa.PSSSaltLengthAuto},
		{crypto.SHA384, 20},
		{crypto.SHA512, rsa.PSSSaltLengthEqualsHash},
	} {
		d := digest(tt.hash, "message")
		sig, err := s.Sign(nil, d, &rsa.PSSOptions{Hash: tt.hash, SaltLength: tt.salt})
		if err != nil {
			t.Fatalf("%v salt %d: %v", tt.hash, tt.salt, err)
		}
		if err := rsa.VerifyPSS(pub, tt.hash, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
			t.Errorf("%v salt %d: %v", tt.hash, tt.salt, err)
		}
		if tt.salt <= 0 {
			// No explicit length means the hash's length, what strict verifiers expect.
			if err := rsa.VerifyPSS(pub, tt.hash, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
				t.Errorf("%v salt %d: salt is not the hash length: %v", tt.hash, tt.salt, err)
			}
		}
	}
	d := digest(crypto.SHA256, "message")
	if _, err := s.Sign(nil, d, crypto.SHA256); !errors.Is(err, keyprovider.ErrUnsupported) {
		t.Errorf("PKCS #1 v1.5: %v, want ErrUnsupported", err)
	}
	if _, err := s.Sign(nil, digest(crypto.SHA1, "m"), &rsa.PSSOptions{Hash: crypto.SHA1}); !errors.Is(err, keyprovider.ErrUnsupported) {
		t.Errorf("PSS with SHA-1: %v, want ErrUnsupported", err)
	}
}
