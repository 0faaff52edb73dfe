package awskms_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// Rewrap re-encrypts a stanza for another key with one ReEncrypt and no
// Encrypt: the new stanza names the new key's ARN and unwraps, with the new
// key alone, to the same data key.
func TestRewrapReEncrypts(t *testing.T) {
	srv := testkms.Get(t)
	encCtx := map[string]string{"app": "billing"}
	src := openKey(t, srv.URI(testkms.DemoAlias))
	dk, from, err := src.GenerateDataKey(t.Context(), encCtx)
	if err != nil {
		t.Fatal(err)
	}
	dstARN := newKey(t)
	var rec testkms.Recorder
	dst := openKey(t, "awskms:///"+dstARN, rec.Option())
	s, err := dst.Rewrap(t.Context(), from, encCtx)
	if err != nil {
		t.Fatalf("Rewrap: %v", err)
	}
	if s.Type != awskms.StanzaType || s.KeyID != dstARN {
		t.Errorf("stanza %s %s, want %s %s", s.Type, s.KeyID, awskms.StanzaType, dstARN)
	}
	if rec.Count("ReEncrypt") != 1 || len(rec.Calls()) != 1 {
		t.Errorf("requests %v, want one ReEncrypt", rec.Calls())
	}
	got, err := openKey(t, "awskms:///"+dstARN).Unwrap(t.Context(), s, encCtx)
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("the new stanza unwraps to another key (err %v)", err)
	}
	if _, err := src.Unwrap(t.Context(), s, encCtx); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("the source key claims the new stanza: %v", err)
	}
}

// A stanza Rewrap cannot start from is ErrNotMine, without a request, so
// the caller wraps the key instead.
func TestRewrapNotMine(t *testing.T) {
	srv := testkms.Get(t)
	body := []byte{1, 2, 3}
	stanzas := map[string]*keyprovider.Stanza{
		"file stanza":   {Type: "file", KeyID: "k", Body: body},
		"other region":  {Type: awskms.StanzaType, KeyID: "arn:aws:kms:eu-west-1:111122223333:key/" + keyID, Body: body},
		"alias ARN":     {Type: awskms.StanzaType, KeyID: "arn:aws:kms:us-east-1:111122223333:alias/Demo", Body: body},
		"not an ARN":    {Type: awskms.StanzaType, KeyID: "garbage", Body: body},
		"bare key id":   {Type: awskms.StanzaType, KeyID: testkms.DemoKeyID, Body: body},
		"pkcs11 stanza": {Type: "pkcs11", KeyID: testkms.DemoKeyARN, Body: body},
	}
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	for name, s := range stanzas {
		if _, err := k.Rewrap(t.Context(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
			t.Errorf("%s: %v, want ErrNotMine", name, err)
		}
	}
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("requests sent: %v", calls)
	}
}

// The source side of ReEncrypt is bound to the context like Decrypt: a
// stanza presented with another context, or a damaged one, fails as an
// invalid ciphertext and yields no stanza.
func TestRewrapChecksSource(t *testing.T) {
	srv := testkms.Get(t)
	src := openKey(t, srv.URI(testkms.DemoAlias))
	_, from, err := src.GenerateDataKey(t.Context(), map[string]string{"env": "prod"})
	if err != nil {
		t.Fatal(err)
	}
	dst := openKey(t, "awskms:///"+newKey(t), fastRetry)
	if s, err := dst.Rewrap(t.Context(), from, map[string]string{"env": "dev"}); s != nil || err == nil {
		t.Fatalf("other context: stanza %v, err %v", s, err)
	} else {
		wantKind(t, err, awskms.ErrInvalidCiphertext)
	}
	bad := *from
	bad.Body = bytes.Clone(from.Body)
	bad.Body[len(bad.Body)-1] ^= 1
	_, err = dst.Rewrap(t.Context(), &bad, map[string]string{"env": "prod"})
	wantKind(t, err, awskms.ErrInvalidCiphertext)
}
