package age

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	agelib "filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/plugin"
	"golang.org/x/crypto/ssh"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// maxFileSize bounds what is read of a key file.
const maxFileSize = 1 << 20

// keyGroup is a file of several identities or recipients.
type keyGroup struct {
	uri  string
	keys []keyprovider.Key
}

func (g *keyGroup) URI() string             { return g.uri }
func (g *keyGroup) Keys() []keyprovider.Key { return g.keys }

// openFile opens the key file of age:PATH or ssh:PATH: an SSH private key
// (PEM), or lines of identities (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1...,
// AGE-PLUGIN-NAME-1...) or of recipients (age1..., ssh-...), with blank
// and # lines skipped. Errors name the line, never quote it: it may be a
// secret key.
func openFile(uri, scheme, path string, opts *keyprovider.Options) (keyprovider.Key, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN ")) {
		return openSSHPrivate(uri, path, data, opts)
	}
	var ids, rcs []keyprovider.Key
	named := "" // the recipient a "# Recipient: age1..." comment names
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if r, ok := recipientComment(line); ok {
			named = r
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var k keyprovider.Key
		switch {
		case strings.HasPrefix(line, "AGE-"):
			k, err = parseIdentity(uri, line, opts)
			if p, ok := k.(*pluginIdentityKey); ok && err == nil {
				p.learn(named)
			}
			named = ""
			ids = append(ids, k)
		default:
			var rc *Recipient
			rc, err = ParseRecipient(line, opts)
			k = &recipientKey{uri: uri, rc: rc}
			rcs = append(rcs, k)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, i+1, err)
		}
	}
	keys := ids
	switch {
	case len(ids) > 0 && len(rcs) > 0:
		return nil, tag(fmt.Errorf("%s holds both identities and recipients: keep them in separate files", path), ErrKeyFile)
	case len(ids) == 0:
		keys = rcs
	}
	if len(ids) > 0 {
		warnReadable(path, opts)
	}
	switch len(keys) {
	case 0:
		return nil, tag(fmt.Errorf("%s holds no age identity or recipient", path), ErrKeyFile)
	case 1:
		return keys[0], nil
	}
	return &keyGroup{uri: uri, keys: keys}, nil
}

func readFile(path string) ([]byte, error) {
	// The "path" may be the identity itself (age:AGE-SECRET-KEY-1...),
	// which an os.PathError would print.
	if err := keyprovider.CheckNotSecret(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, tag(fmt.Errorf("failed to open key file: %w", err), ErrNoFile)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, tag(fmt.Errorf("failed to read key file %s: %w", path, err), ErrNoFile)
	}
	if len(data) > maxFileSize {
		return nil, tag(fmt.Errorf("%s is larger than %d bytes", path, maxFileSize), ErrKeyFile)
	}
	return data, nil
}

// recipientComment returns the recipient a comment line such as
// "#       Recipient: age1yubikey1..." names: age-plugin-yubikey and
// other plugins write one above each identity, and it is the only way a
// plugin identity can know its own stanzas (see pluginIdentityKey).
func recipientComment(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "#")
	if !ok {
		return "", false
	}
	name, value, ok := strings.Cut(strings.TrimSpace(rest), ":")
	value = strings.TrimSpace(value)
	if !ok || !strings.EqualFold(name, "recipient") || !strings.HasPrefix(value, "age1") || strings.ContainsAny(value, " \t") {
		return "", false
	}
	return value, true
}

// warnReadable warns about a private key file others can read.
func warnReadable(path string, opts *keyprovider.Options) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		opts.Warnf("key file %s is readable by other users (mode %04o): chmod 600 %s", path, fi.Mode().Perm(), path)
	}
}

// parseIdentity parses one identity line. Its errors never quote it.
func parseIdentity(uri, line string, opts *keyprovider.Options) (keyprovider.Key, error) {
	switch {
	case strings.HasPrefix(line, "AGE-SECRET-KEY-PQ-1"):
		id, err := agelib.ParseHybridIdentity(line)
		if err != nil {
			return nil, tag(errors.New("invalid post-quantum age identity"), ErrKeyFile)
		}
		r := id.Recipient()
		return &identityKey{uri: uri, id: id, rc: &Recipient{kind: kindHybrid, line: r.String(), keyID: hybridKeyID(r.String()), r: r}}, nil
	case strings.HasPrefix(line, "AGE-SECRET-KEY-1"):
		id, err := agelib.ParseX25519Identity(line)
		if err != nil {
			return nil, tag(errors.New("invalid age identity"), ErrKeyFile)
		}
		r := id.Recipient()
		return &identityKey{uri: uri, id: id, rc: &Recipient{kind: kindX25519, line: r.String(), keyID: r.String(), r: r}}, nil
	case strings.HasPrefix(line, "AGE-PLUGIN-"):
		id, err := plugin.NewIdentity(line, clientUI(opts))
		if err != nil {
			return nil, tag(errors.New("invalid age plugin identity"), ErrKeyFile)
		}
		return &pluginIdentityKey{uri: uri, id: id}, nil
	}
	return nil, tag(errors.New("not an age identity (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1... or AGE-PLUGIN-...)"), ErrKeyFile)
}

// openSSHPrivate opens an SSH private key file. An encrypted one asks for
// its passphrase only when a stanza for it is found.
func openSSHPrivate(uri, path string, pemBytes []byte, opts *keyprovider.Options) (keyprovider.Key, error) {
	k, err := ssh.ParseRawPrivateKey(pemBytes)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		pub := missing.PublicKey
		if pub == nil {
			pub = readPublicKey(path + ".pub")
		}
		if pub == nil {
			return nil, tag(fmt.Errorf("SSH key %s is encrypted, and neither it nor %s.pub holds its public key", path, path), ErrKeyFile)
		}
		rc, err := sshRecipient(pub, publicLine(path+".pub", pub))
		if err != nil {
			return nil, err
		}
		warnReadable(path, opts)
		id := &encryptedSSH{path: path, pemBytes: pemBytes, pub: pub, opts: opts}
		return &identityKey{uri: uri, id: id, rc: rc}, nil
	}
	if err != nil {
		return nil, tag(fmt.Errorf("%s is not an SSH private key: %s", path, reason(err)), ErrKeyFile)
	}
	id, pub, err := sshIdentity(k)
	if err != nil {
		return nil, err
	}
	rc, err := sshRecipient(pub, publicLine(path+".pub", pub))
	if err != nil {
		return nil, err
	}
	warnReadable(path, opts)
	return &identityKey{uri: uri, id: id, rc: rc}, nil
}

// sshIdentity makes the age identity of a parsed SSH private key.
func sshIdentity(k any) (agelib.Identity, ssh.PublicKey, error) {
	var id agelib.Identity
	var public crypto.PublicKey
	var err error
	switch k := k.(type) {
	case *ed25519.PrivateKey:
		id, err = agessh.NewEd25519Identity(*k)
		public = k.Public()
	case ed25519.PrivateKey:
		id, err = agessh.NewEd25519Identity(k)
		public = k.Public()
	case *rsa.PrivateKey:
		id, err = agessh.NewRSAIdentity(k)
		public = k.Public()
	default:
		return nil, nil, tag(fmt.Errorf("SSH key type %s cannot be an age identity: ecdsa and sk- (security key) SSH keys cannot; use an ed25519 or RSA key", sshKeyKind(k)), ErrKeyFile)
	}
	if err != nil {
		return nil, nil, tag(fmt.Errorf("SSH key cannot be an age identity: %s", reason(err)), ErrKeyFile)
	}
	pub, err := ssh.NewPublicKey(public)
	if err != nil {
		return nil, nil, tag(fmt.Errorf("SSH key cannot be an age identity: %s", reason(err)), ErrKeyFile)
	}
	return id, pub, nil
}

// sshKeyKind names a parsed private key's type for messages: its SSH
// algorithm when it has one, rather than a Go type.
func sshKeyKind(k any) string {
	if s, ok := k.(interface{ Public() crypto.PublicKey }); ok {
		if pub, err := ssh.NewPublicKey(s.Public()); err == nil {
			return pub.Type()
		}
	}
	return fmt.Sprintf("%T", k)
}

// publicLine returns the line of the public key file next to a private
// key (with its comment, "me@host"), if it holds the same key; else "".
func publicLine(path string, pub ssh.PublicKey) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	p, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil || !bytes.Equal(p.Marshal(), pub.Marshal()) {
		return ""
	}
	return strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])
}

func readPublicKey(path string) ssh.PublicKey {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	return pub
}

// encryptedSSH is a passphrase-protected SSH private key: the passphrase
// is asked for once, on the terminal, when a stanza for the key is found;
// the decrypted key, or the failure, is kept for the rest of the run.
type encryptedSSH struct {
	path     string
	pemBytes []byte
	pub      ssh.PublicKey
	opts     *keyprovider.Options

	mu  sync.Mutex
	id  agelib.Identity
	err error
}

func (e *encryptedSSH) Unwrap(stanzas []*agelib.Stanza) ([]byte, error) {
	id, err := e.decrypt()
	if err != nil {
		return nil, err
	}
	return id.Unwrap(stanzas)
}

func (e *encryptedSSH) decrypt() (agelib.Identity, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.id != nil || e.err != nil {
		return e.id, e.err
	}
	e.id, e.err = e.ask()
	return e.id, e.err
}

func (e *encryptedSSH) ask() (agelib.Identity, error) {
	if e.opts == nil || e.opts.Prompt == nil {
		return nil, fmt.Errorf("failed to decrypt SSH key %s: it has a passphrase and %w", e.path, ErrNoPrompt)
	}
	pass, err := e.opts.Prompt(fmt.Sprintf("Passphrase for SSH key %s: ", e.path))
	if err != nil {
		return nil, fmt.Errorf("failed to read the passphrase for SSH key %s: %w", e.path, err)
	}
	defer clear(pass)
	k, err := ssh.ParseRawPrivateKeyWithPassphrase(e.pemBytes, pass)
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, fmt.Errorf("failed to decrypt SSH key %s: %w", e.path, ErrPassphrase)
	}
	if err != nil {
		return nil, tag(fmt.Errorf("failed to decrypt SSH key %s: %s", e.path, reason(err)), ErrKeyFile)
	}
	id, pub, err := sshIdentity(k)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(pub.Marshal(), e.pub.Marshal()) {
		return nil, tag(fmt.Errorf("SSH key %s does not match its public key", e.path), ErrKeyFile)
	}
	return id, nil
}
