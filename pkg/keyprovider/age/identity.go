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
// cannot derive its recipient, so it tries every stanza sealed to a
// recipient of its plugin, at most pluginAttempts per file.
type pluginIdentityKey struct {
	uri string
	id  *plugin.Identity
}

func (k *pluginIdentityKey) URI() string { return k.uri }

func (k *pluginIdentityKey) Candidate(s *keyprovider.Stanza) bool {
	return s.Type == StanzaType && pluginOf(s.KeyID) == k.id.Name()
}

func (k *pluginIdentityKey) UnwrapLimit() int { return pluginAttempts }

func (k *pluginIdentityKey) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if !k.Candidate(s) {
		return nil, keyprovider.ErrNotMine
	}
	return unwrap(s.Body, k.id, keyprovider.ErrNotMine, ErrPlugin)
}

// ExportPublic fails: a plugin identity does not know its recipient.
func (k *pluginIdentityKey) ExportPublic(context.Context) (*keyprovider.PublicKey, error) {
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
