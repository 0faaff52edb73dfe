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

// keyID opens uri in a fresh run and returns its key id, exercising the
// whole path: module, token, login, object.
func keyID(t *testing.T, uri string, opts *keyprovider.Options) (string, error) {
	t.Helper()
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	return open(t, uri, opts).KeyID(context.Background())
}

func TestPINSources(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	base := "pkcs11:token=T;object=kek?module-path=" + h.Module
	pinFile := filepath.Join(t.TempDir(), "pin")
	if err := os.WriteFile(pinFile, []byte(testhsm.PIN+"\r\nignored second line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, uri := range []string{
		base + "&pin-source=" + pinFile,
		base + "&pin-source=file:" + pinFile,
		base + "&pin-source=file://" + pinFile,
		base + "&pin-source=file://localhost" + pinFile,
	} {
		if _, err := keyID(t, uri, nil); err != nil {
			t.Errorf("%s: %v", uri, err)
		}
	}
	for _, src := range []string{"http://example.com/pin", "file://host/pin", pinFile + ".missing"} {
		if _, err := keyID(t, base+"&pin-source="+src, nil); err == nil {
			t.Errorf("pin-source=%s succeeded", src)
		}
	}
	if _, err := keyID(t, base, nil); !errors.Is(err, pkcs11.ErrNoPIN) {
		t.Errorf("no PIN anywhere: %v, want ErrNoPIN", err)
	}
	t.Setenv(pkcs11.EnvPIN, testhsm.PIN)
	if _, err := keyID(t, base, nil); err != nil {
		t.Errorf("PIN from %s: %v", pkcs11.EnvPIN, err)
	}
}

func TestPINFileWarnings(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	pinFile := filepath.Join(t.TempDir(), "pin")
	if err := os.WriteFile(pinFile, []byte(testhsm.PIN), 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings strings.Builder
	opts := &keyprovider.Options{Warnings: &warnings}
	if _, err := keyID(t, "pkcs11:token=T;object=kek?module-path="+h.Module+"&pin-source="+pinFile, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := keyID(t, h.URI("token=T;object=kek"), opts); err != nil {
		t.Fatal(err)
	}
	w := warnings.String()
	if !strings.Contains(w, "readable by other users") || !strings.Contains(w, "pin-value") {
		t.Errorf("warnings = %q, want one for the loose PIN file and one for pin-value", w)
	}
	if strings.Contains(w, testhsm.PIN) {
		t.Errorf("warnings show the PIN: %q", w)
	}
}

// The prompt is the last resort, and asked once per token per run however
// many keys name the token.
func TestPINPrompt(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "a", pkcs11.AES256)
	generate(t, h, "b", pkcs11.AES256)
	pkcs11.CloseAll()
	var prompts []string
	opts := &keyprovider.Options{Prompt: func(p string) ([]byte, error) {
		prompts = append(prompts, p)
		return []byte(testhsm.PIN), nil
	}}
	ctx := context.Background()
	for _, object := range []string{"a", "b", "a"} {
		k := open(t, "pkcs11:token=T;object="+object+"?module-path="+h.Module, opts)
		if _, err := k.KeyID(ctx); err != nil {
			t.Fatalf("%s: %v", object, err)
		}
	}
	if len(prompts) != 1 || !strings.Contains(prompts[0], `"T"`) {
		t.Errorf("prompts = %q, want one naming token \"T\"", prompts)
	}
	pkcs11.CloseAll()
	opts.Prompt = func(string) ([]byte, error) { return nil, errors.New("no tty") }
	if _, err := open(t, "pkcs11:token=T;object=a?module-path="+h.Module, opts).KeyID(ctx); err == nil {
		t.Error("failing prompt: succeeded")
	}
}
