//go:build !cgo

package pkcs11

import (
	"context"
	"crypto"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Without cgo no PKCS#11 module can be loaded. The scheme is still
// registered (see backend.go) so that a pkcs11: URI is answered with
// ErrNoCgo rather than "unknown key scheme", which would send the user
// looking for a typo.
func open(context.Context, string, *keyprovider.Options) (keyprovider.Key, error) {
	return nil, ErrNoCgo
}

func generate(context.Context, *Key, KeyType) (*Key, error) { return nil, ErrNoCgo }

func newSigner(context.Context, *Key) (crypto.Signer, error) { return nil, ErrNoCgo }

func closeAll() error { return nil }

// Wrap fails: this build cannot reach a token.
func (k *Key) Wrap(context.Context, []byte, map[string]string) (*keyprovider.Stanza, error) {
	return nil, ErrNoCgo
}

// Unwrap fails for pkcs11 stanzas and passes on others, so that a file
// sealed to a pkcs11 key and a file key still opens with the file key.
func (k *Key) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if _, isRSA := oaepByStanza(s.Type); s.Type != StanzaType && !isRSA {
		return nil, keyprovider.ErrNotMine
	}
	return nil, ErrNoCgo
}

// KeyID fails: this build cannot reach a token.
func (k *Key) KeyID(context.Context) (string, error) { return "", ErrNoCgo }

// ExportPublic fails: this build cannot reach a token. Sealing to an
// export (--key pub:FILE) works all the same: it needs no module.
func (k *Key) ExportPublic(context.Context) (*keyprovider.PublicKey, error) { return nil, ErrNoCgo }
