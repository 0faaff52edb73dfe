package age

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	agelib "filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/plugin"
	"golang.org/x/crypto/ssh"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Recipient kinds, as a stanza's key id starts or inspect would name them.
const (
	kindX25519 = "x25519"
	kindHybrid = "mlkem768x25519"
	kindPlugin = "plugin"
	// SSH recipients have the key's own type: "ssh-ed25519", "ssh-rsa".
)

// Recipient is a parsed recipient string: what one age stanza is sealed to.
type Recipient struct {
	kind   string
	line   string // the recipient line, as a recipients file holds it
	keyID  string // the stanza key id (see FORMAT.md)
	plugin string // the plugin name, for kindPlugin
	r      agelib.Recipient
}

// String returns the recipient line: age1..., or an SSH public key line.
func (rc *Recipient) String() string { return rc.line }

// KeyID returns the key id of the stanzas sealed to rc.
func (rc *Recipient) KeyID() string { return rc.keyID }

// IsRecipient reports whether s has the syntax of a recipient string: age1
// followed by lowercase bech32 characters (and plugin name characters), or
// an SSH public key line. It does not check more: a string that has the
// syntax but does not parse is reported as an invalid recipient rather
// than as a key with no scheme, and an SSH key of a type age cannot seal
// to (ECDSA, security keys) says so rather than that it has no scheme.
func IsRecipient(s string) bool {
	if isSSHLine(s) {
		return true
	}
	if !strings.HasPrefix(s, "age1") || len(s) < 8 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("+-._", c)) {
			return false
		}
	}
	return true
}

// sshLinePrefixes start the public key lines of every SSH key type, so that
// one of a type age does not take is still recognised as an SSH key.
var sshLinePrefixes = []string{"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"}

func isSSHLine(s string) bool {
	for _, p := range sshLinePrefixes {
		if strings.HasPrefix(s, p) && strings.Contains(s, " ") {
			return true
		}
	}
	return false
}

// ParseRecipient parses a recipient string: an X25519 (age1...), hybrid
// post-quantum (age1pq1...) or plugin (age1NAME1...) recipient, or an SSH
// ed25519 or RSA public key line. opts gives plugins their prompts.
func ParseRecipient(s string, opts *keyprovider.Options) (*Recipient, error) {
	s = strings.TrimSpace(s)
	if isSSHLine(s) {
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
		if err != nil {
			return nil, tag(fmt.Errorf("invalid SSH public key line: %s", reason(err)), ErrRecipient)
		}
		return sshRecipient(pub, s)
	}
	if strings.HasPrefix(s, "age1pq1") {
		r, err := agelib.ParseHybridRecipient(s)
		if err != nil {
			return nil, recipientError(s, err)
		}
		line := r.String()
		return &Recipient{kind: kindHybrid, line: line, keyID: hybridKeyID(line), r: r}, nil
	}
	if !strings.HasPrefix(s, "age1") {
		return nil, tag(errors.New("not an age recipient (age1...) or an SSH public key line"), ErrRecipient)
	}
	// The last '1' ends the bech32 human-readable part: "age" for X25519,
	// "age1NAME" for a plugin.
	if strings.LastIndexByte(s, '1') == len("age") {
		r, err := agelib.ParseX25519Recipient(s)
		if err != nil {
			return nil, recipientError(s, err)
		}
		return &Recipient{kind: kindX25519, line: r.String(), keyID: r.String(), r: r}, nil
	}
	r, err := plugin.NewRecipient(s, clientUI(opts))
	if err != nil {
		return nil, recipientError(s, err)
	}
	if len(s) > maxKeyID {
		return nil, tag(fmt.Errorf("age plugin recipient %.24s... is %d characters, more than a stanza key id holds (%d)",
			s, len(s), maxKeyID), ErrRecipient)
	}
	return &Recipient{kind: kindPlugin, line: s, keyID: s, plugin: r.Name(), r: r}, nil
}

func recipientError(s string, err error) error {
	if len(s) > 40 {
		s = s[:32] + "..."
	}
	return tag(fmt.Errorf("invalid age recipient %s: %s", s, reason(err)), ErrRecipient)
}

// sshRecipient makes the recipient of an SSH public key; line is how it
// is written (with its comment, if any).
func sshRecipient(pub ssh.PublicKey, line string) (*Recipient, error) {
	var r agelib.Recipient
	var err error
	switch pub.Type() {
	case ssh.KeyAlgoED25519:
		r, err = agessh.NewEd25519Recipient(pub)
	case ssh.KeyAlgoRSA:
		r, err = agessh.NewRSARecipient(pub)
	default:
		return nil, tag(fmt.Errorf("SSH key type %s cannot be an age recipient: ecdsa and sk- (security key) SSH keys cannot; use an ssh-ed25519 or ssh-rsa key", pub.Type()), ErrRecipient)
	}
	if err != nil {
		return nil, tag(fmt.Errorf("SSH key cannot be an age recipient: %s", reason(err)), ErrRecipient)
	}
	if line == "" {
		line = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	}
	return &Recipient{kind: pub.Type(), line: line, keyID: sshKeyID(pub), r: r}, nil
}

// sshKeyID is an SSH key's type and SHA-256 fingerprint, as ssh-keygen -l
// prints them: "ssh-ed25519 SHA256:...".
func sshKeyID(pub ssh.PublicKey) string {
	return pub.Type() + " " + ssh.FingerprintSHA256(pub)
}

// hybridKeyID names a post-quantum recipient, whose string (about 1,960
// characters) is too long to repeat in every header:
// "mlkem768x25519 SHA256:" and the unpadded base64 SHA-256 of the string.
func hybridKeyID(recipient string) string {
	sum := sha256.Sum256([]byte(recipient))
	return kindHybrid + " SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// recipientKey seals to one recipient.
type recipientKey struct {
	uri string
	rc  *Recipient
}

func (k *recipientKey) URI() string { return k.uri }

func (k *recipientKey) Wrap(_ context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	return wrap(k.rc, dataKey)
}

func (k *recipientKey) ExportPublic(context.Context) (*keyprovider.PublicKey, error) {
	return &keyprovider.PublicKey{Scheme: "age", Line: k.rc.line}, nil
}
