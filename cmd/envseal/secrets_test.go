package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// marker is in every plaintext: it may reach stdout only from a run that
// opened a file to stdout, never stderr, never a failing run.
const marker = "PLAINTEXT-MARKER-6b1f0e"

// secrets collects what must never be printed, in every form a careless
// message could print it in.
type secrets struct {
	t     *testing.T
	forms map[string]string // printed form -> what it is
}

func newSecrets(t *testing.T) *secrets { return &secrets{t: t, forms: map[string]string{}} }

func (s *secrets) add(what string, b []byte) {
	if len(b) < 8 {
		s.t.Fatalf("secret %s is too short to search for", what)
	}
	for _, f := range []string{string(b), hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b)} {
		s.forms[f] = what
	}
}

// check fails if a run printed a secret, or plaintext where it must not.
func (s *secrets) check(name string, r result, plaintextOnStdout bool) {
	s.t.Helper()
	for stream, out := range map[string][]byte{"stdout": r.stdout, "stderr": r.stderr} {
		for f, what := range s.forms {
			if bytes.Contains(out, []byte(f)) {
				s.t.Errorf("%s: %s shows the %s", name, stream, what)
			}
		}
		if bytes.Contains(out, []byte(marker)) && !(stream == "stdout" && plaintextOnStdout) {
			s.t.Errorf("%s: %s shows plaintext", name, stream)
		}
	}
}

// dataKey unwraps a sealed file's data key in-process, as a recipient can.
func dataKey(t *testing.T, path string, id keyprovider.Unwrapper) []byte {
	t.Helper()
	h, err := envelope.Parse(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{id})
	if err != nil {
		t.Fatal(err)
	}
	return dk
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestNoSecretsInOutput runs succeeding and failing commands with local
// and KMS keys and checks every output stream for the key-encryption key,
// the key file's bytes, each file's data key and plaintext. (PINs:
// TestNoPINInOutput.) Key files and plaintext outputs must be 0600.
func TestNoSecretsInOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := newSecrets(t)
	plain := []byte(strings.Repeat(marker+" line of secret data\n", 2000))
	writeFile(t, filepath.Join(dir, "plain"), plain)
	mustRun(t, dir, "keygen", "-o", "k.key")
	mustRun(t, dir, "keygen", "-o", "other.key")
	keyFile := readFile(t, filepath.Join(dir, "k.key"))
	kek, err := localkey.Parse(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	s.add("key-encryption key", kek)
	for _, line := range strings.Split(string(keyFile), "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "-----") {
			s.add("key file line", []byte(line))
		}
	}
	if m := mode(t, filepath.Join(dir, "k.key")); m != 0o600 {
		t.Errorf("key file mode %v, want 0600", m)
	}
	mustRun(t, dir, "seal", "-k", "file:k.key", "-c", "env=prod", "-o", "f.sealed", "plain")
	k, err := localkey.Load(filepath.Join(dir, "k.key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.add("data key", dataKey(t, filepath.Join(dir, "f.sealed"), k))
	tamper(t, dir, "f.sealed", "header.sealed", 12)
	tamper(t, dir, "f.sealed", "stanza.sealed", stream0(t, dir, "f.sealed")-40) // in the wrapped key
	tamper(t, dir, "f.sealed", "chunk0.sealed", stream0(t, dir, "f.sealed")+100)

	runs := []struct {
		name      string
		args      []string
		ok, plain bool // must succeed; may print plaintext on stdout
	}{
		{"seal", []string{"seal", "-k", "file:k.key", "-o", "g.sealed", "plain"}, true, false},
		{"seal to stdout", []string{"seal", "-k", "file:k.key", "plain"}, true, false},
		{"seal armored", []string{"seal", "-k", "file:k.key", "--armor", "plain"}, true, false},
		{"open to stdout", []string{"open", "-k", "file:k.key", "f.sealed"}, true, true},
		{"open to a file", []string{"open", "-k", "file:k.key", "-o", "out", "f.sealed"}, true, false},
		{"inspect", []string{"inspect", "f.sealed"}, true, false},
		{"inspect --json", []string{"inspect", "--json", "f.sealed"}, true, false},
		{"rewrap", []string{"rewrap", "-k", "file:k.key", "--add", "file:other.key", "-o", "r.sealed", "f.sealed"}, true, false},
		{"wrong key", []string{"open", "-k", "file:other.key", "f.sealed"}, false, false},
		{"wrong context", []string{"open", "-k", "file:k.key", "-c", "env=dev", "f.sealed"}, false, false},
		{"header tampered", []string{"open", "-k", "file:k.key", "header.sealed"}, false, false},
		{"stanza tampered", []string{"open", "-k", "file:k.key", "stanza.sealed"}, false, false},
		{"chunk 0 tampered", []string{"open", "-k", "file:k.key", "-o", "bad", "chunk0.sealed"}, false, false},
		{"chunk 0 tampered, stdout", []string{"open", "-k", "file:k.key", "chunk0.sealed"}, false, false},
		{"key file as input", []string{"open", "-k", "file:k.key", "k.key"}, false, false},
		{"key file as key URI", []string{"seal", "-k", "k.key", "plain"}, false, false},
		{"plaintext as key file", []string{"seal", "-k", "file:plain", "plain"}, false, false},
		{"rewrap wrong key", []string{"rewrap", "-k", "file:other.key", "--add", "file:k.key", "-o", "r2.sealed", "f.sealed"}, false, false},
		{"no key", []string{"open", "f.sealed"}, false, false},
	}
	for _, r := range runs {
		res := runEnvseal(t, dir, nil, r.args...)
		if (res.code == 0) != r.ok {
			t.Errorf("%s: exit %d: %s", r.name, res.code, res.stderr)
		}
		s.check(r.name, res, r.plain)
	}
	if m := mode(t, filepath.Join(dir, "out")); m != 0o600 {
		t.Errorf("opened plaintext has mode %v, want 0600", m)
	}
	kmsRuns(t, dir, s)
}

// kmsRuns adds a KMS-sealed file's data key and a raw KMS data key to the
// secrets and checks KMS runs, succeeding and failing.
func kmsRuns(t *testing.T, dir string, s *secrets) {
	srv := testkms.Get(t)
	k, err := awskms.Open(context.Background(), srv.URI(testkms.DemoAlias), nil)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "seal", "-k", "awskms:///alias/Demo", "-c", "env=prod", "-o", "kms.sealed", "plain")
	s.add("KMS data key", dataKey(t, filepath.Join(dir, "kms.sealed"), k))
	mustRun(t, dir, "datakey", "-k", "awskms:///alias/Demo", "-c", "app=x", "--plaintext-out", "dk", "--ciphertext-out", "blob")
	s.add("raw KMS data key", readFile(t, filepath.Join(dir, "dk")))
	if m := mode(t, filepath.Join(dir, "dk")); m != 0o600 {
		t.Errorf("datakey --plaintext-out has mode %v, want 0600", m)
	}
	for _, r := range []struct {
		name      string
		args      []string
		ok, plain bool
	}{
		{"kms open", []string{"open", "-k", "awskms:///alias/Demo", "kms.sealed"}, true, true},
		{"kms open --discovery", []string{"open", "--discovery", "-o", "kout", "kms.sealed"}, true, false},
		{"kms wrong context", []string{"open", "-k", "awskms:///alias/Demo", "-c", "env=dev", "kms.sealed"}, false, false},
		{"kms no such key", []string{"open", "-k", "awskms:///alias/Nope", "kms.sealed"}, false, false},
		{"datakey --decrypt to a file", []string{"datakey", "--decrypt", "-c", "app=x", "--plaintext-out", "dk2", "blob"}, true, false},
		{"datakey --decrypt wrong context", []string{"datakey", "--decrypt", "-c", "app=y", "blob"}, false, false},
		{"datakey exists", []string{"datakey", "-k", "awskms:///alias/Demo", "--plaintext-out", "dk"}, false, false},
	} {
		res := runEnvseal(t, dir, nil, r.args...)
		if (res.code == 0) != r.ok {
			t.Errorf("%s: exit %d: %s", r.name, res.code, res.stderr)
		}
		s.check(r.name, res, r.plain)
	}
}

// stream0 is where the payload of a sealed file starts.
func stream0(t *testing.T, dir, name string) int {
	h, err := envelope.Parse(bytes.NewReader(readFile(t, filepath.Join(dir, name))))
	if err != nil {
		t.Fatal(err)
	}
	return int(h.Size())
}

// tamper copies src to dst with the byte at off inverted.
func tamper(t *testing.T, dir, src, dst string, off int) {
	data := readFile(t, filepath.Join(dir, src))
	data[off] ^= 0xff
	writeFile(t, filepath.Join(dir, dst), data)
}
