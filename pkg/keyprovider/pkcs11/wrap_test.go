//go:build cgo

package pkcs11_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// testContext is the encryption context the envelope tests seal under.
var testContext = map[string]string{"app": "test"}

func TestEnvelopeRoundTrip(t *testing.T) {
	h := newHSM(t)
	k := generate(t, h, "kek", pkcs11.AES256)
	plaintext := bytes.Repeat([]byte("envseal "), 5000)
	sealed := sealtest.Seal(t, plaintext, testContext, k)
	got, err := sealtest.Open(context.Background(), sealed, nil, k)
	if err != nil || !bytes.Equal(got, plaintext) {
		t.Fatalf("open with the same Key: %v", err)
	}
	// A later run: modules finalized, the key named by a URI again.
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	k2 := open(t, h.URI("token=T;object=kek"), nil)
	if got, err := sealtest.Open(context.Background(), sealed, nil, k2); err != nil || !bytes.Equal(got, plaintext) {
		t.Fatalf("open in a later run: %v", err)
	}
}

func TestMixedRecipients(t *testing.T) {
	h := newHSM(t)
	hsmKey := generate(t, h, "kek", pkcs11.AES256)
	fileKey, err := localkey.Generate(filepath.Join(t.TempDir(), "key"), false)
	if err != nil {
		t.Fatal(err)
	}
	plaintext := []byte("for the HSM and for the key file")
	sealed := sealtest.Seal(t, plaintext, testContext, hsmKey, fileKey)
	for name, id := range map[string]keyprovider.Unwrapper{"pkcs11": hsmKey, "file": fileKey} {
		if got, err := sealtest.Open(context.Background(), sealed, nil, id); err != nil || !bytes.Equal(got, plaintext) {
			t.Errorf("open with the %s key alone: %v", name, err)
		}
	}
	// The file key opens it even when the pkcs11 key is unusable.
	broken := open(t, h.URI("token=T;object=missing"), nil)
	if got, err := sealtest.Open(context.Background(), sealed, nil, broken, fileKey); err != nil || !bytes.Equal(got, plaintext) {
		t.Errorf("open with a broken pkcs11 key and the file key: %v", err)
	}
}

func TestUnwrapNotMine(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	a := generate(t, h, "a", pkcs11.AES256)
	b := generate(t, h, "b", pkcs11.AES256)
	dk := make([]byte, keyprovider.DataKeySize)
	rand.Read(dk)
	s, err := a.Wrap(ctx, dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Type != pkcs11.StanzaType {
		t.Errorf("stanza type %q", s.Type)
	}
	if _, err := b.Unwrap(ctx, s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("another token key's stanza: %v, want ErrNotMine", err)
	}
	other := &keyprovider.Stanza{Type: "file", KeyID: s.KeyID, Body: s.Body}
	if _, err := a.Unwrap(ctx, other, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("a file stanza: %v, want ErrNotMine", err)
	}
	for _, id := range []string{"", "not a URI", strings.Replace(s.KeyID, "object=a", "object=b", 1)} {
		bad := &keyprovider.Stanza{Type: s.Type, KeyID: id, Body: s.Body}
		if _, err := a.Unwrap(ctx, bad, nil); !errors.Is(err, keyprovider.ErrNotMine) {
			t.Errorf("key id %q: %v, want ErrNotMine", id, err)
		}
	}
}

// A stanza is matched by object label and id, not by token, so a key
// restored to a token with another serial is tried; the token part of the
// key id is still authenticated through the AAD.
func TestUnwrapMatchesObjectNotToken(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "kek", pkcs11.AES256)
	s, err := k.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	moved := *s
	moved.KeyID = regexp.MustCompile(`serial=[^;]*`).ReplaceAllString(s.KeyID, "serial=0123456789abcdef")
	if moved.KeyID == s.KeyID {
		t.Fatalf("key id %q has no serial", s.KeyID)
	}
	if _, err := k.Unwrap(ctx, &moved, nil); !errors.Is(err, pkcs11.ErrUnwrap) {
		t.Errorf("key id naming another serial: %v, want an attempt failing with ErrUnwrap", err)
	}
}

func TestUnwrapTampered(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "kek", pkcs11.AES256)
	dk := make([]byte, keyprovider.DataKeySize)
	rand.Read(dk)
	s, err := k.Wrap(ctx, dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Body {
		bad := *s
		bad.Body = bytes.Clone(s.Body)
		bad.Body[i] ^= 1
		if _, err := k.Unwrap(ctx, &bad, nil); !errors.Is(err, pkcs11.ErrUnwrap) {
			t.Fatalf("body with byte %d flipped: %v, want ErrUnwrap", i, err)
		}
	}
	short := *s
	short.Body = s.Body[:len(s.Body)-1]
	if _, err := k.Unwrap(ctx, &short, nil); !errors.Is(err, pkcs11.ErrUnwrap) {
		t.Errorf("short body: %v, want ErrUnwrap", err)
	}
	// The AAD really is bound by the token: the right body under another
	// key id's AAD does not open.
	if _, err := pkcs11.DecryptWithAAD(k, s.Body, []byte(pkcs11.StanzaType+"\x00other")); !errors.Is(err, pkcs11.ErrUnwrap) {
		t.Errorf("other AAD: %v, want ErrUnwrap", err)
	}
	if got, err := pkcs11.DecryptWithAAD(k, s.Body, []byte(pkcs11.StanzaType+"\x00"+s.KeyID)); err != nil || !bytes.Equal(got, dk) {
		t.Errorf("own AAD: %v", err)
	}
}

func TestWrongKeyType(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	ec := generate(t, h, "ec", pkcs11.ECDSAP256)
	_, err := ec.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil)
	if !errors.Is(err, pkcs11.ErrWrongKeyType) || !errors.Is(err, keyprovider.ErrUnsupported) {
		t.Errorf("wrap with an EC key: %v, want ErrWrongKeyType", err)
	}
	aes := generate(t, h, "aes", pkcs11.AES256)
	if _, err := aes.Signer(ctx); !errors.Is(err, pkcs11.ErrWrongKeyType) {
		t.Errorf("sign with an AES key: %v, want ErrWrongKeyType", err)
	}
	// type= narrows the search to a class, so the EC key is then missing.
	typed := open(t, h.URI("token=T;object=ec;type=secret-key"), nil)
	if _, err := typed.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil); !errors.Is(err, pkcs11.ErrObjectNotFound) {
		t.Errorf("type=secret-key naming an EC key: %v, want ErrObjectNotFound", err)
	}
}
