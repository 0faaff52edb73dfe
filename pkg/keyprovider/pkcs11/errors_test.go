//go:build cgo

package pkcs11_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// failWrap opens uri, wraps with it and returns the error, which must not
// be nil.
func failWrap(t *testing.T, uri string, opts *keyprovider.Options) error {
	t.Helper()
	k, err := keyprovider.Open(context.Background(), uri, opts)
	if err == nil {
		_, err = k.(keyprovider.Wrapper).Wrap(context.Background(), make([]byte, keyprovider.DataKeySize), nil)
	}
	if err == nil {
		t.Fatalf("wrap with %s succeeded", uri)
	}
	return err
}

func TestWrongPIN(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	uri := "pkcs11:token=T;object=kek?module-path=" + h.Module
	err := failWrap(t, uri+"&pin-value=9999", nil)
	if !errors.Is(err, pkcs11.ErrPINIncorrect) {
		t.Fatalf("wrong PIN: %v, want ErrPINIncorrect", err)
	}
	// One attempt per token per run: a second key on the same token does
	// not try again (and count down the token's retry counter), even with
	// the right PIN.
	if err := failWrap(t, h.URI("token=T;object=kek"), nil); !errors.Is(err, pkcs11.ErrPINIncorrect) {
		t.Errorf("second key after a wrong PIN: %v, want the remembered ErrPINIncorrect", err)
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, h.URI("token=T;object=kek"), nil).KeyID(context.Background()); err != nil {
		t.Errorf("right PIN in a new run: %v", err)
	}
}

func TestMissingToken(t *testing.T) {
	h := newHSM(t)
	err := failWrap(t, h.URI("token=Nope;object=kek"), nil)
	if !errors.Is(err, pkcs11.ErrTokenNotFound) || !strings.Contains(err.Error(), `"T"`) {
		t.Errorf("missing token: %v, want ErrTokenNotFound listing token \"T\"", err)
	}
	if err := failWrap(t, h.URI("serial=0000;object=kek"), nil); !errors.Is(err, pkcs11.ErrTokenNotFound) {
		t.Errorf("missing serial: %v, want ErrTokenNotFound", err)
	}
}

func TestMissingObject(t *testing.T) {
	h := newHSM(t)
	err := failWrap(t, h.URI("token=T;object=nothing"), nil)
	if !errors.Is(err, pkcs11.ErrObjectNotFound) {
		t.Errorf("missing object: %v, want ErrObjectNotFound", err)
	}
	if err := failWrap(t, h.URI("token=T"), nil); !errors.Is(err, keyprovider.ErrBadURI) {
		t.Errorf("URI without object or id: %v, want ErrBadURI", err)
	}
}

func TestModule(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	garbage := filepath.Join(t.TempDir(), "libnot.so")
	if err := os.WriteFile(garbage, []byte("not a library"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, module := range []string{"/nonexistent/libpkcs11.so", garbage, t.TempDir()} {
		err := failWrap(t, "pkcs11:token=T;object=kek?pin-value=1234&module-path="+module, nil)
		if !errors.Is(err, pkcs11.ErrModule) {
			t.Errorf("module %s: %v, want ErrModule", module, err)
		}
	}
	if err := failWrap(t, "pkcs11:token=T;object=kek?pin-value=1234", nil); !errors.Is(err, pkcs11.ErrNoModule) {
		t.Errorf("no module: %v, want ErrNoModule", err)
	}
	// The environment names the module when the URI does not.
	t.Setenv(pkcs11.EnvModule, h.Module)
	k := open(t, "pkcs11:token=T;object=kek?pin-value=1234", nil)
	if _, err := k.KeyID(context.Background()); err != nil {
		t.Errorf("module from %s: %v", pkcs11.EnvModule, err)
	}
}

// TestPINNeverInErrors provokes every failure after login with a PIN from
// each source and checks no message shows it.
func TestPINNeverInErrors(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	const wrong = "Wr0ngPIN"
	generate(t, h, "ec", pkcs11.ECDSAP256)
	paths := []string{"token=T;object=ec", "token=T;object=none", "token=Nope;object=x", "token=T"}
	pinFile := filepath.Join(t.TempDir(), "pin")
	sources := map[string]func(path string) string{
		"pin-value": func(p string) string { return h.URI(p) },
		"wrong pin-value": func(p string) string {
			return "pkcs11:" + p + "?module-path=" + h.Module + "&pin-value=" + wrong
		},
		"pin-source": func(p string) string {
			return "pkcs11:" + p + "?module-path=" + h.Module + "&pin-source=" + pinFile
		},
	}
	for _, pin := range []string{testhsm.PIN, wrong} {
		os.WriteFile(pinFile, []byte(pin+"\n"), 0o600)
		for name, uri := range sources {
			for _, p := range paths {
				pkcs11.CloseAll()
				err := failWrap(t, uri(p), nil)
				if strings.Contains(err.Error(), testhsm.PIN) || strings.Contains(err.Error(), wrong) {
					t.Errorf("%s, %s: error shows the PIN: %v", name, p, err)
				}
				if k, err := keyprovider.Open(ctx, uri(p), nil); err == nil && strings.Contains(k.URI(), "pin-value") {
					t.Errorf("URI() shows the PIN: %s", k.URI())
				}
			}
		}
	}
}
