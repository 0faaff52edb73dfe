package age

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	agelib "filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/envseal/envseal/internal/testageplugin"
	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// TestMain makes the test binary the age-plugin-envsealtest plugin when
// run under that name, and puts it on PATH under that name for the tests.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "age-plugin-"+testageplugin.Name {
		os.Exit(testageplugin.Main())
	}
	dir, err := os.MkdirTemp("", "envseal-age-plugin-")
	if err != nil {
		panic(err)
	}
	exe, err := os.Executable()
	if err == nil {
		err = os.Symlink(exe, filepath.Join(dir, "age-plugin-"+testageplugin.Name))
	}
	if err != nil {
		panic(err)
	}
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			testci.Require(t, tool, "apt-get install age openssh-client", err)
		}
	}
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %v: %v: %s", name, args, err, ee.Stderr)
		}
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out
}

func openKey(t *testing.T, uri string, opts *keyprovider.Options) keyprovider.Key {
	t.Helper()
	k, err := keyprovider.Open(context.Background(), uri, opts)
	if err != nil {
		t.Fatalf("open %s: %v", uri, err)
	}
	return k
}

func dataKey() []byte {
	dk := make([]byte, keyprovider.DataKeySize)
	rand.Read(dk)
	return dk
}

// roundTrip seals a data key with seal and opens it with open, returns
// the stanza.
func roundTrip(t *testing.T, seal, open keyprovider.Key) *keyprovider.Stanza {
	t.Helper()
	dk := dataKey()
	s, err := seal.(keyprovider.Wrapper).Wrap(context.Background(), dk, nil)
	if err != nil {
		t.Fatalf("wrap: %v", err)
	}
	if s.Type != StanzaType || len(s.Body) > maxBody || len(s.KeyID) > maxKeyID {
		t.Fatalf("stanza type %q, key id %d bytes, body %d bytes", s.Type, len(s.KeyID), len(s.Body))
	}
	got, err := open.(keyprovider.Unwrapper).Unwrap(context.Background(), s, nil)
	if err != nil {
		t.Fatalf("unwrap: %v", err)
	}
	if !bytes.Equal(got, dk) {
		t.Fatal("unwrapped a different data key")
	}
	t.Logf("%s: key id %d bytes, body %d bytes", s.KeyID[:min(len(s.KeyID), 40)], len(s.KeyID), len(s.Body))
	return s
}

// ageDecrypt has the real age binary decrypt a stanza body with an
// identity file: the body is a plain age file.
func ageDecrypt(t *testing.T, body []byte, identity string) []byte {
	t.Helper()
	f := filepath.Join(t.TempDir(), "body.age")
	if err := os.WriteFile(f, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return run(t, "age", "-d", "-i", identity, f)
}

func TestX25519(t *testing.T) {
	need(t, "age", "age-keygen")
	dir := t.TempDir()
	id := filepath.Join(dir, "id.txt")
	run(t, "age-keygen", "-o", id)
	recipient := strings.TrimSpace(string(run(t, "age-keygen", "-y", id)))

	if !IsRecipient(recipient) {
		t.Fatalf("IsRecipient(%q) = false", recipient)
	}
	idKey := openKey(t, "age:"+id, nil)
	s := roundTrip(t, openKey(t, recipient, nil), idKey)
	if s.KeyID != recipient {
		t.Fatalf("key id %q, want the recipient %q", s.KeyID, recipient)
	}
	if got := ageDecrypt(t, s.Body, id); len(got) != keyprovider.DataKeySize {
		t.Fatalf("age -d gave %d bytes", len(got))
	}
	roundTrip(t, idKey, idKey)
	pk, err := idKey.(keyprovider.PublicExporter).ExportPublic(context.Background())
	if err != nil || pk.Line != recipient {
		t.Fatalf("ExportPublic = %v, %v; want %s", pk, err, recipient)
	}

	// Another identity skips the stanza without trying it.
	other := filepath.Join(dir, "other.txt")
	run(t, "age-keygen", "-o", other)
	if _, err := openKey(t, "age:"+other, nil).(keyprovider.Unwrapper).Unwrap(context.Background(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Fatalf("other identity: %v, want ErrNotMine", err)
	}

	// A stanza that names the identity but was altered fails, as ErrUnwrap.
	bad := *s
	bad.Body = bytes.Clone(s.Body)
	bad.Body[len(bad.Body)-1] ^= 1
	if _, err := idKey.(keyprovider.Unwrapper).Unwrap(context.Background(), &bad, nil); !errors.Is(err, ErrUnwrap) {
		t.Fatalf("altered body: %v, want ErrUnwrap", err)
	}
}

func TestKeygen(t *testing.T) {
	need(t, "age", "age-keygen")
	for _, typ := range keyTypes {
		t.Run(typ, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "id.txt")
			k, err := generate(path, typ, false)
			if err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v, %v", fi.Mode(), err)
			}
			if _, err := generate(path, typ, false); !errors.Is(err, os.ErrExist) {
				t.Fatalf("second generate: %v, want exists", err)
			}
			opened := openKey(t, "age:"+path, nil)
			s := roundTrip(t, k, opened)
			if typ == kindX25519 {
				// age 1.1.1 (Debian) knows X25519 identities, not hybrid ones.
				want := strings.TrimSpace(string(run(t, "age-keygen", "-y", path)))
				if s.KeyID != want {
					t.Fatalf("age-keygen -y says %s, key id %s", want, s.KeyID)
				}
				ageDecrypt(t, s.Body, path)
			}
		})
	}
}

func TestHybrid(t *testing.T) {
	id, err := agelib.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pq.txt")
	os.WriteFile(path, []byte(id.String()+"\n"), 0o600)
	recipient := id.Recipient().String()
	s := roundTrip(t, openKey(t, recipient, nil), openKey(t, "age:"+path, nil))
	if !strings.HasPrefix(s.KeyID, "mlkem768x25519 SHA256:") || s.KeyID != hybridKeyID(recipient) {
		t.Fatalf("key id %q", s.KeyID)
	}
	// The body is an age file the library itself opens.
	r, err := agelib.Decrypt(bytes.NewReader(s.Body), id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.Read(make([]byte, 64)); n != keyprovider.DataKeySize {
		t.Fatalf("read %d bytes", n)
	}
}

func TestSSH(t *testing.T) {
	need(t, "age", "ssh-keygen")
	for _, kt := range [][]string{{"-t", "ed25519"}, {"-t", "rsa", "-b", "4096"}, {"-t", "rsa", "-b", "2048"}} {
		t.Run(strings.Join(kt, ""), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "id")
			run(t, "ssh-keygen", append(kt, "-q", "-N", "", "-C", "me@host", "-f", path)...)
			pubLine := strings.TrimSpace(string(run(t, "cat", path+".pub")))
			priv := openKey(t, "ssh:"+path, nil)
			s := roundTrip(t, openKey(t, "ssh:"+path+".pub", nil), priv)
			fp := strings.Fields(string(run(t, "ssh-keygen", "-l", "-f", path+".pub")))[1]
			if want := strings.Fields(pubLine)[0] + " " + fp; s.KeyID != want {
				t.Fatalf("key id %q, want %q", s.KeyID, want)
			}
			roundTrip(t, openKey(t, pubLine, nil), priv)
			ageDecrypt(t, s.Body, path)
			pk, err := priv.(keyprovider.PublicExporter).ExportPublic(context.Background())
			if err != nil || pk.Line != pubLine {
				t.Fatalf("ExportPublic = %+v, %v", pk, err)
			}
		})
	}
}

func TestSSHPassphrase(t *testing.T) {
	need(t, "ssh-keygen")
	path := filepath.Join(t.TempDir(), "id")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "sesame", "-f", path)
	s, err := openKey(t, "ssh:"+path+".pub", nil).(keyprovider.Wrapper).Wrap(context.Background(), dataKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	prompt := func(answer string) *keyprovider.Options {
		return &keyprovider.Options{Prompt: func(string) ([]byte, error) { asked++; return []byte(answer), nil }}
	}
	unwrapWith := func(opts *keyprovider.Options) error {
		k := openKey(t, "ssh:"+path, opts)
		_, err := k.(keyprovider.Unwrapper).Unwrap(context.Background(), s, nil)
		if err == nil {
			// Cached: the second file asks no more.
			_, err = k.(keyprovider.Unwrapper).Unwrap(context.Background(), s, nil)
		}
		return err
	}
	if err := unwrapWith(prompt("sesame")); err != nil || asked != 1 {
		t.Fatalf("right passphrase: %v, asked %d times", err, asked)
	}
	if err := unwrapWith(prompt("wrong")); !errors.Is(err, ErrPassphrase) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if err := unwrapWith(&keyprovider.Options{}); !errors.Is(err, ErrNoPrompt) || hint(err) == "" {
		t.Fatalf("no terminal: %v", err)
	}
	// A stanza for another key never asks.
	asked = 0
	other, _ := agelib.GenerateX25519Identity()
	s2, _ := wrap(&Recipient{kind: kindX25519, line: other.Recipient().String(), keyID: other.Recipient().String(), r: other.Recipient()}, dataKey())
	if _, err := openKey(t, "ssh:"+path, prompt("sesame")).(keyprovider.Unwrapper).Unwrap(context.Background(), s2, nil); !errors.Is(err, keyprovider.ErrNotMine) || asked != 0 {
		t.Fatalf("other stanza: %v, asked %d", err, asked)
	}
}

func TestPlugin(t *testing.T) {
	need(t, "age")
	dir := t.TempDir()
	idLine, recipient, err := testageplugin.Generate()
	if err != nil {
		t.Fatal(err)
	}
	idPath := filepath.Join(dir, "plugin.txt")
	os.WriteFile(idPath, []byte(idLine+"\n"), 0o600)
	idKey := openKey(t, "age:"+idPath, nil)
	lu, ok := idKey.(keyprovider.LimitedUnwrapper)
	if !ok {
		t.Fatal("a plugin identity is not a LimitedUnwrapper")
	}
	if _, seals := idKey.(keyprovider.Wrapper); seals {
		t.Fatal("a plugin identity seals")
	}
	s := roundTrip(t, openKey(t, recipient, nil), idKey)
	if s.KeyID != recipient || !lu.Candidate(s) {
		t.Fatalf("key id %q, candidate %v", s.KeyID, lu.Candidate(s))
	}
	// The real age opens the body through the same plugin binary.
	if got := ageDecrypt(t, s.Body, idPath); len(got) != keyprovider.DataKeySize {
		t.Fatalf("age -d gave %d bytes", len(got))
	}
	// Another identity of the plugin answers "not mine" after trying.
	otherID, _, _ := testageplugin.Generate()
	otherPath := filepath.Join(dir, "other.txt")
	os.WriteFile(otherPath, []byte(otherID+"\n"), 0o600)
	if _, err := openKey(t, "age:"+otherPath, nil).(keyprovider.Unwrapper).Unwrap(context.Background(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Fatalf("other plugin identity: %v", err)
	}

	for _, kind := range []string{"many", "huge"} {
		r, _ := testageplugin.Faulty(kind)
		if _, err := openKey(t, r, nil).(keyprovider.Wrapper).Wrap(context.Background(), dataKey(), nil); !errors.Is(err, ErrPlugin) {
			t.Fatalf("%s plugin recipient: %v", kind, err)
		}
	}

	// A plugin that is not installed: one error naming the binary.
	missing := strings.Replace(recipient, "age1envsealtest1", "age1nosuchplugin1", 1)
	if _, err := ParseRecipient(missing, nil); err == nil {
		t.Fatal("a recipient with a changed name still parses") // bech32 checksum covers the name
	}
}

func TestPluginMissing(t *testing.T) {
	// A valid recipient of a plugin that is not installed.
	rc, err := ParseRecipient(plugin.EncodeRecipient("nosuchplugin", []byte("data")), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrap(rc, dataKey())
	var pm *pluginMissingError
	if !errors.As(err, &pm) || pm.name != "nosuchplugin" || !strings.Contains(hint(err), "age-plugin-nosuchplugin") {
		t.Fatalf("missing plugin: %v (hint %q)", err, hint(err))
	}
}

// A body with more age stanzas than a reader accepts, or a passphrase
// stanza, is refused before any identity is tried.
func TestBoundedBody(t *testing.T) {
	id, _ := agelib.GenerateX25519Identity()
	var rs []agelib.Recipient
	for range maxAgeStanzas {
		o, _ := agelib.GenerateX25519Identity()
		rs = append(rs, o.Recipient())
	}
	rs = append(rs, id.Recipient())
	var body bytes.Buffer
	w, _ := agelib.Encrypt(&body, rs...)
	w.Write(dataKey())
	w.Close()
	counted := &countingIdentity{id: id}
	if _, err := unwrap(body.Bytes(), counted, ErrUnwrap, ErrUnwrap); !errors.Is(err, ErrUnwrap) || counted.n != 0 {
		t.Fatalf("%d stanzas: %v, identity called %d times", len(rs), err, counted.n)
	}

	sr, _ := agelib.NewScryptRecipient("pass")
	sr.SetWorkFactor(10)
	body.Reset()
	w, _ = agelib.Encrypt(&body, sr)
	w.Write(dataKey())
	w.Close()
	if _, err := unwrap(body.Bytes(), counted, ErrUnwrap, ErrUnwrap); !errors.Is(err, ErrUnwrap) || counted.n != 0 {
		t.Fatalf("scrypt: %v, identity called %d times", err, counted.n)
	}
}

type countingIdentity struct {
	id agelib.Identity
	n  int
}

func (c *countingIdentity) Unwrap(s []*agelib.Stanza) ([]byte, error) { c.n++; return c.id.Unwrap(s) }

func TestRecipientsFile(t *testing.T) {
	need(t, "age-keygen", "ssh-keygen")
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	run(t, "age-keygen", "-o", a)
	ssh := filepath.Join(dir, "ssh")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ssh)
	file := filepath.Join(dir, "recipients.txt")
	data := "# team\n" + string(run(t, "age-keygen", "-y", a)) + "\n" + string(run(t, "cat", ssh+".pub"))
	os.WriteFile(file, []byte(data), 0o644)
	g, ok := openKey(t, "age:"+file, nil).(keyprovider.Group)
	if !ok || len(g.Keys()) != 2 {
		t.Fatalf("recipients file: %T", g)
	}
	roundTrip(t, g.Keys()[0], openKey(t, "age:"+a, nil))
	roundTrip(t, g.Keys()[1], openKey(t, "ssh:"+ssh, nil))

	for name, content := range map[string]string{
		"mixed":   data + string(run(t, "cat", a)),
		"garbage": "age1notarecipient\n",
		"secret":  "AGE-SECRET-KEY-1NOTAKEY\n",
		"empty":   "# nothing\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		_, err := keyprovider.Open(context.Background(), "age:"+p, nil)
		if err == nil || hint(err) == "" || strings.Contains(err.Error(), "NOTAKEY") {
			t.Errorf("%s: %v (hint %q)", name, err, hint(err))
		}
	}
}
