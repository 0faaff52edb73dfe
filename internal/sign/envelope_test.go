package sign_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha512"
	"errors"
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
