//go:build cgo

package pkcs11_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
	_ "github.com/envseal/envseal/pkg/keyprovider/pubfile" // pub: keys
)

func TestRSARoundTrip(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	for _, typ := range []pkcs11.KeyType{pkcs11.RSAOAEP3072, pkcs11.RSAOAEP4096} {
		k := generate(t, h, string(typ), typ)
		plaintext := []byte("sealed to " + string(typ))
		sealed := sealtest.Seal(t, plaintext, testContext, k)
		hdr, err := envelope.Parse(bytes.NewReader(sealed))
		if err != nil {
			t.Fatal(err)
		}
		s := hdr.Stanzas[0]
		// SoftHSM2 2.6.1 decrypts OAEP with SHA-1 only (see TestOAEPProbe).
		if s.Type != pkcs11.StanzaTypeRSASHA1 && s.Type != pkcs11.StanzaTypeRSASHA256 {
			t.Errorf("stanza type %q", s.Type)
		}
		want := map[pkcs11.KeyType]int{pkcs11.RSAOAEP3072: 384, pkcs11.RSAOAEP4096: 512}[typ]
		if len(s.Body) != want {
			t.Errorf("%s: body is %d bytes, want %d", typ, len(s.Body), want)
		}
		if !strings.HasPrefix(s.KeyID, "pkcs11:token=T;serial=") || !strings.Contains(s.KeyID, ";object="+string(typ)+";id=%") {
			t.Errorf("key id %q", s.KeyID)
		}
		if got, err := sealtest.Open(ctx, sealed, nil, k); err != nil || !bytes.Equal(got, plaintext) {
			t.Fatalf("%s: open: %v", typ, err)
		}
	}
	// A later run, the key named by URI again.
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	k := open(t, h.URI("token=T;object=rsa-oaep-3072"), nil)
	sealed := sealtest.Seal(t, []byte("again"), testContext, k)
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	if got, err := sealtest.Open(ctx, sealed, nil, open(t, h.URI("token=T;object=rsa-oaep-3072"), nil)); err != nil || string(got) != "again" {
		t.Fatalf("open in a later run: %v", err)
	}
}

// With type=public, sealing reads only the public key object, which needs
// no login: no PIN anywhere, and no prompt. Without it sealing logs in, to
// tell the pair from an AES key of the same label. Opening needs the PIN.
func TestRSASealNeedsNoPIN(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "r", pkcs11.RSAOAEP3072)
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	uri := "pkcs11:token=T;object=r?module-path=" + h.Module
	prompted := false
	opts := &keyprovider.Options{Prompt: func(string) ([]byte, error) { prompted = true; return nil, errors.New("no") }}
	if _, err := open(t, uri, opts).Wrap(context.Background(), make([]byte, keyprovider.DataKeySize), nil); err == nil || !prompted {
		t.Errorf("seal without type=public: %v, prompted %v; want a PIN prompt", err, prompted)
	}
	prompted = false
	k := open(t, "pkcs11:token=T;object=r;type=public?module-path="+h.Module, opts)
	sealed := sealtest.Seal(t, []byte("no PIN"), testContext, k)
	if prompted {
		t.Error("sealing with type=public asked for the PIN")
	}
	if _, err := sealtest.Open(context.Background(), sealed, nil, open(t, uri, nil)); !errors.Is(err, pkcs11.ErrNoPIN) {
		t.Errorf("open without a PIN: %v, want ErrNoPIN", err)
	}
	if got, err := sealtest.Open(context.Background(), sealed, nil, open(t, uri+"&pin-value="+testhsm.PIN, nil)); err != nil || string(got) != "no PIN" {
		t.Errorf("open with the PIN: %v", err)
	}
}

// exportFile writes k's public key file, as envseal pubkey does.
func exportFile(t *testing.T, k *pkcs11.Key) string {
	t.Helper()
	pk, err := k.ExportPublic(context.Background())
	if err != nil {
		t.Fatalf("ExportPublic: %v", err)
	}
	data, err := keyprovider.MarshalPublic(pk)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pub")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A pub: export seals with no module at all: the module setting points at
// nothing, and no session is opened. The stanza is the one the token key
// writes, so the token key opens it.
func TestRSAExportSealsWithoutModule(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "r", pkcs11.RSAOAEP3072)
	live, err := k.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := exportFile(t, k)
	data, _ := os.ReadFile(path)
	for _, want := range []string{"# " + live.KeyID + "\n", "Backend: pkcs11\n", "Key-Id: " + live.KeyID + "\n", "Algorithm: RSA-OAEP-SHA", "BEGIN ENVSEAL PUBLIC KEY"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("export lacks %q:\n%s", want, data)
		}
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	t.Setenv(pkcs11.EnvModule, "/nonexistent/libnothing.so")
	pub, err := keyprovider.Open(ctx, "pub:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pub.URI() != live.KeyID {
		t.Errorf("pub key URI %q, want %q", pub.URI(), live.KeyID)
	}
	plaintext := []byte("sealed offline")
	sealed := sealtest.Seal(t, plaintext, testContext, pub.(keyprovider.Wrapper))
	if n := pkcs11.OpenSessions(); n != 0 {
		t.Errorf("sealing to an export opened %d sessions", n)
	}
	hdr, err := envelope.Parse(bytes.NewReader(sealed))
	if err != nil {
		t.Fatal(err)
	}
	if s := hdr.Stanzas[0]; s.Type != live.Type || s.KeyID != live.KeyID || len(s.Body) != len(live.Body) {
		t.Errorf("export stanza %s %s (%d bytes), live %s %s (%d bytes)", s.Type, s.KeyID, len(s.Body), live.Type, live.KeyID, len(live.Body))
	}
	if got, err := sealtest.Open(ctx, sealed, nil, open(t, h.URI("token=T;object=r"), nil)); err != nil || !bytes.Equal(got, plaintext) {
		t.Fatalf("open with the token key: %v", err)
	}
}

// A file for a token RSA key, a token AES key and a key file opens with
// each alone; each token key skips the other's stanza as not its own.
func TestRSAMixed(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	r := generate(t, h, "r", pkcs11.RSAOAEP3072)
	a := generate(t, h, "a", pkcs11.AES256)
	f, err := localkey.Generate(filepath.Join(t.TempDir(), "key"), false)
	if err != nil {
		t.Fatal(err)
	}
	plaintext := []byte("for three keys")
	sealed := sealtest.Seal(t, plaintext, testContext, r, a, f)
	for name, id := range map[string]keyprovider.Unwrapper{"rsa": r, "aes": a, "file": f} {
		if got, err := sealtest.Open(ctx, sealed, nil, id); err != nil || !bytes.Equal(got, plaintext) {
			t.Errorf("open with the %s key alone: %v", name, err)
		}
	}
	dk := make([]byte, keyprovider.DataKeySize)
	rs, err := r.Wrap(ctx, dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	as, err := a.Wrap(ctx, dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Unwrap(ctx, rs, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("AES key, RSA stanza: %v, want ErrNotMine", err)
	}
	if _, err := r.Unwrap(ctx, as, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("RSA key, AES stanza: %v, want ErrNotMine", err)
	}
	r2 := generate(t, h, "r2", pkcs11.RSAOAEP3072)
	if _, err := r2.Unwrap(ctx, rs, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("another RSA key's stanza: %v, want ErrNotMine", err)
	}
}

func TestRSAUnwrapTampered(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "r", pkcs11.RSAOAEP3072)
	s, err := k.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 100, len(s.Body) - 1} {
		bad := *s
		bad.Body = bytes.Clone(s.Body)
		bad.Body[i] ^= 1
		if _, err := k.Unwrap(ctx, &bad, nil); !errors.Is(err, pkcs11.ErrUnwrap) {
			t.Errorf("byte %d flipped: %v, want ErrUnwrap", i, err)
		}
	}
	short := *s
	short.Body = s.Body[1:]
	if _, err := k.Unwrap(ctx, &short, nil); !errors.Is(err, pkcs11.ErrUnwrap) {
		t.Errorf("short body: %v, want ErrUnwrap", err)
	}
	// The hash is in the type: the body under the other type does not open.
	other := *s
	other.Type = map[string]string{pkcs11.StanzaTypeRSASHA1: pkcs11.StanzaTypeRSASHA256, pkcs11.StanzaTypeRSASHA256: pkcs11.StanzaTypeRSASHA1}[s.Type]
	if _, err := k.Unwrap(ctx, &other, nil); err == nil || errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("other OAEP hash: %v, want a failure", err)
	}
}

// Keys of the wrong use: one clear error each, matching ErrUnsupported.
func TestRSAWrongUse(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	signing := generate(t, h, "sig", pkcs11.RSA3072)
	_, err := signing.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil)
	if !errors.Is(err, pkcs11.ErrWrongKeyType) || !strings.Contains(err.Error(), "signing only") {
		t.Errorf("seal to a signing RSA key: %v", err)
	}
	if _, err := signing.ExportPublic(ctx); !errors.Is(err, keyprovider.ErrUnsupported) {
		t.Errorf("export of a signing RSA key: %v, want ErrUnsupported", err)
	}
	aes := generate(t, h, "aes", pkcs11.AES256)
	if _, err := aes.ExportPublic(ctx); !errors.Is(err, keyprovider.ErrUnsupported) {
		t.Errorf("export of an AES key: %v, want ErrUnsupported", err)
	}
	// An RSA key of this backend cannot sign.
	r := generate(t, h, "r", pkcs11.RSAOAEP3072)
	if s, err := r.Signer(ctx); err == nil {
		if _, err := s.Sign(nil, make([]byte, 32), &rsa.PSSOptions{Hash: 5}); err == nil {
			t.Error("an rsa-oaep key signed")
		}
	}
	// Exports that are not RSA keys, or are bad, are refused.
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	good, err := r.ExportPublic(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := keyprovider.Lookup("pkcs11")
	for name, pk := range map[string]*keyprovider.PublicKey{
		"ec":            {Scheme: "pkcs11", Attrs: good.Attrs, DER: ecDER},
		"rsa-1024":      {Scheme: "pkcs11", Attrs: good.Attrs, DER: smallDER},
		"no key":        {Scheme: "pkcs11", Attrs: good.Attrs},
		"bad alg":       {Scheme: "pkcs11", Attrs: map[string]string{"Key-Id": good.Attrs["Key-Id"], "Algorithm": "RSA-PKCS1"}, DER: good.DER},
		"bad id":        {Scheme: "pkcs11", Attrs: map[string]string{"Key-Id": "pkcs11:object=r?module-path=/x.so", "Algorithm": good.Attrs["Algorithm"]}, DER: good.DER},
		"unknown attr":  {Scheme: "pkcs11", Attrs: map[string]string{"Key-Id": good.Attrs["Key-Id"], "Algorithm": good.Attrs["Algorithm"], "Label": "x"}, DER: good.DER},
		"exponent 3":    {Scheme: "pkcs11", Attrs: good.Attrs, DER: sealtest.WithExponent(t, good.DER, 3)},
		"exponent 1":    {Scheme: "pkcs11", Attrs: good.Attrs, DER: sealtest.WithExponent(t, good.DER, 1)},
		"exponent even": {Scheme: "pkcs11", Attrs: good.Attrs, DER: sealtest.WithExponent(t, good.DER, 65538)},
	} {
		if _, err := b.Public(pk, nil); err == nil {
			t.Errorf("%s: Public accepted it", name)
		}
	}
	if _, err := b.Public(good, nil); err != nil {
		t.Errorf("good export: %v", err)
	}
}

// Keys made by other tools work, named by label or by id: pkcs11-tool
// --keypairgen, and softhsm2-util --import of a PKCS#8 PEM key.
func TestRSAKeysFromOtherTools(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	tool, err := exec.LookPath("pkcs11-tool")
	if err != nil {
		testci.Require(t, "pkcs11-tool", "apt-get install opensc", err)
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	run(tool, "--module", h.Module, "--login", "--pin", testhsm.PIN, "--keypairgen", "--key-type", "rsa:3072", "--label", "gen", "--id", "01")
	priv, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	pemFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	_, util, err := testhsm.Find()
	if err != nil {
		t.Fatal(err)
	}
	run(util, "--import", pemFile, "--token", testhsm.Label, "--label", "imported", "--id", "02", "--pin", testhsm.PIN)
	for _, path := range []string{"token=T;object=gen", "token=T;id=%01", "token=T;object=imported", "token=T;id=%02", "object=gen;id=%01;type=private"} {
		k := open(t, h.URI(path), nil)
		plaintext := []byte("for " + path)
		sealed := sealtest.Seal(t, plaintext, testContext, k)
		if got, err := sealtest.Open(ctx, sealed, nil, k); err != nil || !bytes.Equal(got, plaintext) {
			t.Errorf("%s: %v", path, err)
		}
		if _, err := k.ExportPublic(ctx); err != nil {
			t.Errorf("%s: export: %v", path, err)
		}
	}
	// The imported key is the one we hold: a local OAEP-SHA-1 wrap of
	// the same data key is what the token key opens.
	k := open(t, h.URI("token=T;id=%02"), nil)
	s, err := k.Wrap(ctx, make([]byte, keyprovider.DataKeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Type == pkcs11.StanzaTypeRSASHA1 {
		if dk, err := rsa.DecryptOAEP(sha1New(), nil, priv, s.Body, nil); err != nil || len(dk) != keyprovider.DataKeySize {
			t.Errorf("local decrypt of the token-sealed stanza: %v", err)
		}
	}
}

func sha1New() hash.Hash { return sha1.New() }
