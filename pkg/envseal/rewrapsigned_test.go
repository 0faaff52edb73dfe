package envseal_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// Rewrap of a signed file: refused without Signer or DropSignature;
// Signer keeps it signed by the same key, DropSignature makes a
// version-1 file; a file whose signature fails yields neither.
func TestRewrapSigned(t *testing.T) {
	ctx := t.Context()
	a, err := envseal.Key(ctx, newKeyFile(t.Name()+"-a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := envseal.Key(ctx, newKeyFile(t.Name()+"-b"))
	if err != nil {
		t.Fatal(err)
	}
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	pt := bytes.Repeat([]byte("signed payload "), 5000)
	var sealed bytes.Buffer
	if err := envseal.Seal(ctx, &sealed, bytes.NewReader(pt), []keyprovider.Wrapper{a.(keyprovider.Wrapper)}, &envseal.SealOptions{Signer: signer}); err != nil {
		t.Fatal(err)
	}
	ids := []keyprovider.Unwrapper{a.(keyprovider.Unwrapper)}
	add := []keyprovider.Wrapper{b.(keyprovider.Wrapper)}
	rewrap := func(file []byte, o envseal.RewrapOptions) ([]byte, error) {
		o.Add = add
		var out bytes.Buffer
		err := envseal.Rewrap(ctx, &out, bytes.NewReader(file), ids, &o)
		return out.Bytes(), err
	}
	open := func(file []byte, policy *envseal.SignerPolicy) ([]byte, error) {
		var out bytes.Buffer
		err := envseal.Open(ctx, &out, bytes.NewReader(file), []keyprovider.Unwrapper{b.(keyprovider.Unwrapper)}, &envseal.OpenOptions{Signer: policy})
		return out.Bytes(), err
	}
	trust := &envseal.SignerPolicy{Keys: []crypto.PublicKey{signer.Public()}}

	if _, err := rewrap(sealed.Bytes(), envseal.RewrapOptions{}); !errors.Is(err, envelope.ErrSigned) {
		t.Fatalf("no option: %v, want ErrSigned", err)
	}
	if _, err := rewrap(sealed.Bytes(), envseal.RewrapOptions{Signer: other}); !errors.Is(err, envelope.ErrNotSigner) {
		t.Fatalf("other signer: %v, want ErrNotSigner", err)
	}
	re, err := rewrap(sealed.Bytes(), envseal.RewrapOptions{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := open(re, trust); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("re-signed: %v", err)
	}
	un, err := rewrap(sealed.Bytes(), envseal.RewrapOptions{DropSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	if un[7] != envelope.Version {
		t.Fatalf("dropped: version %d", un[7])
	}
	if got, err := open(un, nil); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("unsigned: %v", err)
	}
	if _, err := open(un, trust); !errors.Is(err, envseal.ErrSignerNotTrusted) {
		t.Fatalf("unsigned under a policy: %v", err)
	}
	bad := bytes.Clone(sealed.Bytes())
	bad[len(bad)-1] ^= 1
	for _, o := range []envseal.RewrapOptions{{Signer: signer}, {DropSignature: true}} {
		if _, err := rewrap(bad, o); !errors.Is(err, envelope.ErrSignature) {
			t.Fatalf("bad signature, %+v: %v, want ErrSignature", o.DropSignature, err)
		}
	}
	var plain bytes.Buffer
	envseal.Seal(ctx, &plain, bytes.NewReader(pt), []keyprovider.Wrapper{a.(keyprovider.Wrapper)}, nil)
	if _, err := rewrap(plain.Bytes(), envseal.RewrapOptions{DropSignature: true}); !errors.Is(err, envseal.ErrNotSignedFile) {
		t.Fatalf("unsigned file: %v", err)
	}
}
