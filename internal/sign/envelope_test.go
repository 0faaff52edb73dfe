package sign_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha512"
	"errors"
	"math/big"
	"testing"

	"github.com/envseal/envseal/internal/sign"
)

// A detached signature must never pass as an envelope signature by the
// same key: Sign refuses the envelope prefix, and Ed25519 envelope
// signatures have their own context.
func TestDetachedIsNeverAnEnvelopeSignature(t *testing.T) {
	for name, k := range keys() {
		msg := []byte(sign.EnvelopeDomain + "ENVSEAL\x02 header and payload")
		if _, err := sign.Sign(k, bytes.NewReader(msg)); !errors.Is(err, sign.ErrEnvelopeMessage) {
			t.Errorf("%s: Sign of an envelope message: %v, want ErrEnvelopeMessage", name, err)
		}
		// A prefix of the domain, or the domain later in the input, is fine.
		for _, ok := range [][]byte{[]byte(sign.EnvelopeDomain[:5]), append([]byte("x"), msg...), nil} {
			if _, err := sign.Sign(k, bytes.NewReader(ok)); err != nil {
				t.Errorf("%s: Sign(%q): %v", name, ok, err)
			}
		}
	}
	k := keys()["ed25519"].(ed25519.PrivateKey)
	digest := sha512.Sum512([]byte("anything"))
	detached, err := k.Sign(nil, digest[:], &ed25519.Options{Hash: crypto.SHA512})
	if err != nil {
		t.Fatal(err)
	}
	if err := sign.VerifyDigest(k.Public(), digest[:], detached); err == nil {
		t.Error("an empty-context Ed25519ph signature verifies as an envelope signature")
	}
	env, err := sign.SignDigest(k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if err := sign.VerifyDigest(k.Public(), digest[:], env); err != nil {
		t.Fatal(err)
	}
	if ed25519.VerifyWithOptions(k.Public().(ed25519.PublicKey), digest[:], env, &ed25519.Options{Hash: crypto.SHA512}) == nil {
		t.Error("an envelope signature verifies with the empty context")
	}
	if ed25519.VerifyWithOptions(k.Public().(ed25519.PublicKey), digest[:], env, &ed25519.Options{Hash: crypto.SHA512, Context: "envseal signed file v2"}) != nil {
		t.Error("envelope signature is not Ed25519ph with context \"envseal signed file v2\"")
	}
}

// Envelope ECDSA signatures are low-S: written so, and the high-S twin
// of a valid one, which ECDSA itself accepts, is refused.
func TestEnvelopeECDSAIsLowS(t *testing.T) {
	for _, name := range []string{"ecdsa-p256", "ecdsa-p384"} {
		k := keys()[name].(*ecdsa.PrivateKey)
		sc, _ := sign.SchemeFor(k.Public())
		h := sc.Hash.New()
		h.Write([]byte("message"))
		digest := h.Sum(nil)
		n := k.Curve.Params().N
		half := new(big.Int).Rsh(n, 1)
		for i := 0; i < 32; i++ {
			sig, err := sign.SignDigest(k, digest)
			if err != nil {
				t.Fatal(err)
			}
			size := len(sig) / 2
			r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
			if s.Cmp(half) > 0 {
				t.Fatalf("%s: SignDigest wrote a high-S signature", name)
			}
			high := bytes.Clone(sig)
			new(big.Int).Sub(n, s).FillBytes(high[size:])
			if !ecdsa.Verify(&k.PublicKey, digest, r, new(big.Int).Sub(n, s)) {
				t.Fatal("the high-S twin should be a valid ECDSA signature")
			}
			if err := sign.VerifyDigest(k.Public(), digest, high); !errors.Is(err, sign.ErrVerification) {
				t.Fatalf("%s: high-S signature: %v, want ErrVerification", name, err)
			}
			if err := sign.VerifyDigest(k.Public(), digest, sig); err != nil {
				t.Fatal(err)
			}
		}
	}
}
