//go:build cgo

package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// Distinctive PINs, so that a search for them cannot match by chance.
const (
	goodPIN  = "739182645501"
	wrongPIN = "918273645519"
)

// TestNoPINInOutput runs envseal against a SoftHSM2 token with the PIN in
// each place it may come from (pin-value, pin-source, ENVSEAL_PKCS11_PIN),
// succeeding and failing (wrong PIN, missing object, missing token,
// tampered stanza), and checks that no output stream shows a PIN, the
// data key or plaintext.
func TestNoPINInOutput(t *testing.T) {
	h := testhsm.New(t)
	h.InitToken(t, "P", goodPIN)
	base := "pkcs11:token=P;object=kek?module-path=" + h.Module
	if _, err := pkcs11.Generate(context.Background(), base+"&pin-value="+goodPIN, pkcs11.AES256, nil); err != nil {
		t.Fatal(err)
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := newSecrets(t)
	s.add("PIN", []byte(goodPIN))
	s.add("wrong PIN", []byte(wrongPIN))
	writeFile(t, filepath.Join(dir, "plain"), []byte(marker+"\n"))
	if err := os.WriteFile(filepath.Join(dir, "pin"), []byte(goodPIN+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "badpin"), []byte(wrongPIN+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	withPIN := base + "&pin-value=" + goodPIN
	mustRun(t, dir, "seal", "-k", withPIN, "-o", "f.sealed", "plain")
	k, err := keyprovider.Open(context.Background(), withPIN, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.add("data key", dataKey(t, filepath.Join(dir, "f.sealed"), k.(keyprovider.Unwrapper)))
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	tamper(t, dir, "f.sealed", "stanza.sealed", stream0(t, dir, "f.sealed")-40)

	for _, r := range []struct {
		name, env string
		args      []string
		ok, plain bool
	}{
		{"pin-value", "", []string{"open", "-k", withPIN, "f.sealed"}, true, true},
		{"pin-source", "", []string{"open", "-k", base + "&pin-source=pin", "-o", "out", "f.sealed"}, true, false},
		{"PIN from the environment", goodPIN, []string{"seal", "-k", base, "-o", "g.sealed", "plain"}, true, false},
		{"wrong pin-value", "", []string{"open", "-k", base + "&pin-value=" + wrongPIN, "f.sealed"}, false, false},
		{"wrong pin-source", "", []string{"open", "-k", base + "&pin-source=badpin", "f.sealed"}, false, false},
		{"wrong PIN from the environment", wrongPIN, []string{"open", "-k", base, "f.sealed"}, false, false},
		{"no such object", "", []string{"seal", "-k", "pkcs11:token=P;object=nope?module-path=" + h.Module + "&pin-value=" + goodPIN, "plain"}, false, false},
		{"no such token", "", []string{"seal", "-k", "pkcs11:token=Q;object=kek?module-path=" + h.Module + "&pin-value=" + goodPIN, "plain"}, false, false},
		{"bad URI", "", []string{"seal", "-k", "pkcs11:token=P;object=kek;bogus?pin-value=" + goodPIN, "plain"}, false, false},
		{"tampered stanza", "", []string{"open", "-k", withPIN, "stanza.sealed"}, false, false},
		{"inspect", "", []string{"inspect", "f.sealed"}, true, false},
	} {
		t.Setenv(pkcs11.EnvPIN, r.env)
		res := runEnvseal(t, dir, nil, r.args...)
		if (res.code == 0) != r.ok {
			t.Errorf("%s: exit %d: %s", r.name, res.code, res.stderr)
		}
		s.check(r.name, res, r.plain)
	}
}
