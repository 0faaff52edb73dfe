//go:build cgo

package pkcs11_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// p11tool runs pkcs11-tool on the test's token, without logging in unless
// args say so: what anyone who can open a session on the token can do.
func p11tool(t *testing.T, h *testhsm.HSM, args ...string) {
	t.Helper()
	tool, err := exec.LookPath("pkcs11-tool")
	if err != nil {
		testci.Require(t, "pkcs11-tool", "apt-get install opensc", err)
	}
	args = append([]string{"--module", h.Module, "--token-label", testhsm.Label}, args...)
	if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
		t.Fatalf("pkcs11-tool %v: %v\n%s", args, err, out)
	}
}

// plantPublicKey writes an RSA public key object the test holds the
// private key of, without the PIN, as an attacker with a session could.
func plantPublicKey(t *testing.T, h *testhsm.HSM, args ...string) *rsa.PrivateKey {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "attacker.der")
	if err := os.WriteFile(path, der, 0o644); err != nil {
		t.Fatal(err)
	}
	p11tool(t, h, append([]string{"--write-object", path, "--type", "pubkey"}, args...)...)
	return priv
}

func wrapType(t *testing.T, k *pkcs11.Key) (string, error) {
	t.Helper()
	s, err := k.Wrap(context.Background(), make([]byte, keyprovider.DataKeySize), nil)
	if err != nil {
		return "", err
	}
	return s.Type, nil
}

// A public key object planted under an AES key's label (no PIN needed to
// create one) must not redirect sealing to it: the seal logs in and picks
// the AES key, as opening would.
func TestSealIgnoresPlantedPublicKey(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	plantPublicKey(t, h, "--label", "kek")
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	k := open(t, h.URI("token=T;object=kek"), nil)
	if typ, err := wrapType(t, k); err != nil || typ != pkcs11.StanzaType {
		t.Fatalf("seal to an AES key with a planted public key: %q, %v; want %s", typ, err, pkcs11.StanzaType)
	}
	if id, err := k.KeyID(context.Background()); err != nil || id == "" {
		t.Errorf("KeyID: %q, %v", id, err)
	}
}

// An RSA key pair made with the AES key's label is ambiguous for sealing,
// as it is for opening, rather than quietly switching new seals to RSA.
func TestSealAESAndRSASameLabelIsAmbiguous(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	p11tool(t, h, "--login", "--pin", testhsm.PIN, "--keypairgen", "--key-type", "rsa:2048", "--label", "kek", "--id", "07")
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	if typ, err := wrapType(t, open(t, h.URI("token=T;object=kek"), nil)); !errors.Is(err, pkcs11.ErrAmbiguous) {
		t.Fatalf("seal: %q, %v; want ErrAmbiguous", typ, err)
	}
	// type= picks one.
	if typ, err := wrapType(t, open(t, h.URI("token=T;object=kek;type=secret-key"), nil)); err != nil || typ != pkcs11.StanzaType {
		t.Errorf("type=secret-key: %q, %v", typ, err)
	}
}

// A key pair whose public key object was replaced (or a stray one shares
// its id) is sealed to only through the object carrying the private key's
// modulus; with none, seal and export refuse.
func TestSealRefusesPublicKeyNotOfThePair(t *testing.T) {
	h := newHSM(t)
	p11tool(t, h, "--login", "--pin", testhsm.PIN, "--keypairgen", "--key-type", "rsa:2048", "--label", "team", "--id", "01")
	// A stray object with the same id but another key: skipped.
	plantPublicKey(t, h, "--label", "team", "--id", "01")
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	k := open(t, h.URI("token=T;object=team;type=private"), nil)
	s, err := k.Wrap(context.Background(), make([]byte, keyprovider.DataKeySize), nil)
	if err != nil {
		t.Fatalf("seal with a stray public key: %v", err)
	}
	if _, err := k.Unwrap(context.Background(), s, nil); err != nil {
		t.Errorf("the token does not open what was sealed: %v", err)
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}

	// A pair whose public key object was replaced by the attacker's.
	p11tool(t, h, "--login", "--pin", testhsm.PIN, "--keypairgen", "--key-type", "rsa:2048", "--label", "swapped", "--id", "02")
	p11tool(t, h, "--delete-object", "--type", "pubkey", "--id", "02")
	plantPublicKey(t, h, "--label", "swapped", "--id", "02")
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	k = open(t, h.URI("token=T;object=swapped"), nil)
	if typ, err := wrapType(t, k); !errors.Is(err, pkcs11.ErrObjectNotFound) {
		t.Errorf("seal to a replaced public key: %q, %v; want ErrObjectNotFound", typ, err)
	}
	if _, err := k.ExportPublic(context.Background()); !errors.Is(err, pkcs11.ErrObjectNotFound) {
		t.Errorf("export of a replaced public key: %v; want ErrObjectNotFound", err)
	}
}
