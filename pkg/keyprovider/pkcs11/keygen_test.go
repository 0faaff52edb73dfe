//go:build cgo

package pkcs11_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
	p11 "github.com/miekg/pkcs11"
)

func TestGenerateEachType(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "kek", pkcs11.AES256)
	if !strings.Contains(k.URI(), ";id=%") || strings.Contains(k.URI(), "pin") {
		t.Errorf("URI() = %q, want the new id and no PIN", k.URI())
	}
	if _, err := k.KeyID(ctx); err != nil {
		t.Errorf("KeyID of the new AES key: %v", err)
	}
	for _, tt := range []struct {
		typ  pkcs11.KeyType
		bits int
	}{{pkcs11.ECDSAP256, 256}, {pkcs11.ECDSAP384, 384}, {pkcs11.RSA3072, 3072}} {
		s, err := generate(t, h, string(tt.typ), tt.typ).Signer(ctx)
		if err != nil {
			t.Fatalf("%s Signer: %v", tt.typ, err)
		}
		switch pub := s.Public().(type) {
		case *ecdsa.PublicKey:
			if pub.Curve.Params().BitSize != tt.bits || pub.Curve != map[int]elliptic.Curve{256: elliptic.P256(), 384: elliptic.P384()}[tt.bits] {
				t.Errorf("%s: public key on %s", tt.typ, pub.Curve.Params().Name)
			}
		case *rsa.PublicKey:
			if pub.N.BitLen() != tt.bits || pub.E != 65537 {
				t.Errorf("%s: %d-bit modulus, exponent %d", tt.typ, pub.N.BitLen(), pub.E)
			}
		default:
			t.Errorf("%s: public key is %T", tt.typ, pub)
		}
	}
	checkAttributes(t, h)
}

// checkAttributes reads the new keys' attributes with the PKCS#11 library
// directly: secret halves must be token objects, private, sensitive and
// never extractable.
func checkAttributes(t *testing.T, h *testhsm.HSM) {
	t.Helper()
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	ctx := p11.New(h.Module)
	if err := ctx.Initialize(); err != nil {
		t.Fatal(err)
	}
	defer func() { ctx.Finalize(); ctx.Destroy() }()
	sess, err := ctx.OpenSession(h.Slot(t, testhsm.Label), p11.CKF_SERIAL_SESSION)
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.Login(sess, p11.CKU_USER, testhsm.PIN); err != nil {
		t.Fatal(err)
	}
	for _, class := range []uint{p11.CKO_SECRET_KEY, p11.CKO_PRIVATE_KEY} {
		ctx.FindObjectsInit(sess, []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, class)})
		hs, _, _ := ctx.FindObjects(sess, 10)
		ctx.FindObjectsFinal(sess)
		if len(hs) == 0 {
			t.Fatalf("no keys of class %d", class)
		}
		for _, o := range hs {
			attrs, err := ctx.GetAttributeValue(sess, o, []*p11.Attribute{
				p11.NewAttribute(p11.CKA_TOKEN, nil), p11.NewAttribute(p11.CKA_PRIVATE, nil),
				p11.NewAttribute(p11.CKA_SENSITIVE, nil), p11.NewAttribute(p11.CKA_EXTRACTABLE, nil),
				p11.NewAttribute(p11.CKA_NEVER_EXTRACTABLE, nil), p11.NewAttribute(p11.CKA_LABEL, nil),
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []byte{1, 1, 1, 0, 1}
			for i, w := range want {
				if len(attrs[i].Value) != 1 || attrs[i].Value[0] != w {
					t.Errorf("key %q attribute %#x = %v, want %d", attrs[5].Value, attrs[i].Type, attrs[i].Value, w)
				}
			}
		}
	}
}

func TestGenerateRefusesExistingLabel(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	generate(t, h, "taken", pkcs11.ECDSAP256)
	for _, typ := range pkcs11.KeyTypes() {
		_, err := pkcs11.Generate(ctx, h.URI("token=T;object=taken"), typ, nil)
		if !errors.Is(err, pkcs11.ErrExists) {
			t.Errorf("Generate %s over an existing label: %v, want ErrExists", typ, err)
		}
	}
	k := generate(t, h, "other", pkcs11.AES256)
	id := k.URI()[strings.Index(k.URI(), "id=")+3 : strings.Index(k.URI(), "?")]
	_, err := pkcs11.Generate(ctx, h.URI("token=T;object=new;id="+id), pkcs11.AES256, nil)
	if !errors.Is(err, pkcs11.ErrExists) {
		t.Errorf("Generate with an existing id: %v, want ErrExists", err)
	}
}

func TestGenerateBadRequests(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	for _, tt := range []struct {
		path string
		typ  pkcs11.KeyType
	}{
		{"token=T", pkcs11.AES256},                       // no label
		{"token=T;object=k;type=private", pkcs11.AES256}, // type contradicts
		{"token=T;object=k;type=secret-key", pkcs11.RSA3072},
		{"token=T;object=k", "aes-128"},
	} {
		if _, err := pkcs11.Generate(ctx, h.URI(tt.path), tt.typ, nil); err == nil {
			t.Errorf("Generate(%q, %s) succeeded", tt.path, tt.typ)
		}
	}
}
