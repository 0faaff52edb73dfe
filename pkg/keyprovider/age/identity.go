package age

import (
	"context"
	"fmt"

	agelib "filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// identityKey opens the stanzas of one native identity (X25519, hybrid
// post-quantum, SSH) and seals to its recipient.
type identityKey struct {
	uri string
	id  agelib.Identity
	rc  *Recipient // the identity's own recipient: its key id, and sealing
}

func (k *identityKey) URI() string { return k.uri }

// Unwrap tries only a stanza whose key id is the identity's own; a body
// that then does not decrypt was altered.
func (k *identityKey) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if s.Type != StanzaType || s.KeyID != k.rc.keyID {
		return nil, keyprovider.ErrNotMine
	}
	dk, err := unwrap(s.Body, k.id,
		fmt.Errorf("the age stanza for %s does not decrypt with %s: %w", short(k.rc.keyID), k.uri, ErrUnwrap), ErrUnwrap)
	if err != nil {
		return nil, err
	}
	return dk, nil
}

func (k *identityKey) Wrap(_ context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	return wrap(k.rc, dataKey)
}

// ExportPublic returns the identity's recipient, as age-keygen -y prints
// it (for an SSH key: its public key line).
func (k *identityKey) ExportPublic(context.Context) (*keyprovider.PublicKey, error) {
	return &keyprovider.PublicKey{Scheme: "age", Line: k.rc.line}, nil
}

// pluginIdentityKey opens stanzas through an age plugin. A plugin identity
// cannot derive its recipient, so unless its identity file names it (a
// "# Recipient: age1..." comment above it, as age-plugin-yubikey writes)
// it tries every stanza sealed to a recipient of its plugin, at most
// pluginAttempts per file. With its recipient known it tries only the
// stanzas with that key id, as a native identity does.
type pluginIdentityKey struct {
	uri       string
	id        *plugin.Identity
	recipient string // "" when unknown
}

func (k *pluginIdentityKey) URI() string { return k.uri }

// learn takes the recipient an identity file names for the identity, if
// it is one of the identity's plugin (a comment for another is ignored).
func (k *pluginIdentityKey) learn(recipient string) {
	if recipient != "" && pluginOf(recipient) == k.id.Name() {
		if _, err := ParseRecipient(recipient, nil); err == nil {
			k.recipient = recipient
		}
	}
}

func (k *pluginIdentityKey) Candidate(s *keyprovider.Stanza) bool {
	if k.recipient != "" {
		return s.Type == StanzaType && s.KeyID == k.recipient
	}
	return s.Type == StanzaType && pluginOf(s.KeyID) == k.id.Name()
}

func (k *pluginIdentityKey) UnwrapLimit() int { return pluginAttempts }

// LimitAdvice says how to lift the limit, for the error of a file it hid
// stanzas from.
func (k *pluginIdentityKey) LimitAdvice() string {
	return "put the identity's recipient in a \"# Recipient: age1...\" line above it in " + k.uri + " so that only its own stanzas are tried"
}

func (k *pluginIdentityKey) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if !k.Candidate(s) {
		return nil, keyprovider.ErrNotMine
	}
	if k.recipient != "" {
		// The stanza names this identity's recipient: failing is
		// failing, not "another identity's".
		return unwrap(s.Body, k.id,
			fmt.Errorf("the age stanza for %s does not decrypt with %s: %w", short(k.recipient), k.uri, ErrUnwrap), ErrPlugin)
	}
	return unwrap(s.Body, k.id, keyprovider.ErrNotMine, ErrPlugin)
}

// ExportPublic returns the recipient the identity file names, and fails
// without one: a plugin identity cannot derive it.
func (k *pluginIdentityKey) ExportPublic(context.Context) (*keyprovider.PublicKey, error) {
	if k.recipient != "" {
		return &keyprovider.PublicKey{Scheme: "age", Line: k.recipient}, nil
	}
	return nil, fmt.Errorf("an age plugin identity cannot name its recipient; age-plugin-%s prints it: %w",
		k.id.Name(), keyprovider.ErrUnsupported)
}

// pluginOf returns the plugin name of a plugin recipient string (the
// bech32 human-readable part after "age1"), or "".
func pluginOf(recipient string) string {
	i := lastIndexOne(recipient)
	if i <= len("age1") || recipient[:4] != "age1" {
		return ""
	}
	return recipient[4:i]
}

func lastIndexOne(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '1' {
			return i
		}
	}
	return -1
}
