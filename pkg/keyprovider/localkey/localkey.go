// Package localkey implements the file: key backend: an AES-256
// key-encryption key (KEK) kept in a local PEM file, or a PKCS#8 private
// key used to sign (see SigningKey).
//
// The data key is wrapped with AES-256-GCM under a wrapping key derived from
// the KEK, with the stanza's type and key id as additional data. The key id
// is another derivation of the KEK, so a file says which key opens it
// without saying anything usable about the key.
package localkey

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// StanzaType is the type of stanzas this backend writes.
const StanzaType = "file"

const (
	kekSize   = 32
	keyIDSize = 16
	nonceSize = 12
	// bodySize is nonce || AES-GCM(data key) || tag.
	bodySize = nonceSize + keyprovider.DataKeySize + 16

	infoKeyID = "envseal.v1 file key id"
	infoWrap  = "envseal.v1 file wrap key"
)

// Key is a local AES-256 key-encryption key.
type Key struct {
	uri   string
	keyID string
	aead  cipher.AEAD
}

var _ keyprovider.Wrapper = (*Key)(nil)
var _ keyprovider.Unwrapper = (*Key)(nil)

// New builds a Key from 32 bytes of KEK material. uri is only for display.
func New(kek []byte, uri string) (*Key, error) {
	if len(kek) != kekSize {
		return nil, fmt.Errorf("key must be %d bytes, got %d", kekSize, len(kek))
	}
	id, err := hkdf.Expand(sha256.New, kek, infoKeyID, keyIDSize)
	if err != nil {
		return nil, err
	}
	wk, err := hkdf.Expand(sha256.New, kek, infoWrap, 32)
	if err != nil {
		return nil, err
	}
	defer clear(wk)
	block, err := aes.NewCipher(wk)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Key{uri: uri, keyID: hex.EncodeToString(id), aead: aead}, nil
}

// URI returns the key's file: URI.
func (k *Key) URI() string { return k.uri }

// KeyID returns the key's public identifier, as stored in stanzas.
func (k *Key) KeyID() string { return k.keyID }

func (k *Key) aad() []byte {
	return []byte(StanzaType + "\x00" + k.keyID)
}

// Wrap seals dataKey under the KEK. The encryption context is bound by the
// header MAC, not here: a local key has no policy to check it against.
func (k *Key) Wrap(_ context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("data key must be %d bytes", keyprovider.DataKeySize)
	}
	body := make([]byte, nonceSize, bodySize)
	if _, err := rand.Read(body); err != nil {
		return nil, err
	}
	body = k.aead.Seal(body, body[:nonceSize], dataKey, k.aad())
	return &keyprovider.Stanza{Type: StanzaType, KeyID: k.keyID, Body: body}, nil
}

// ErrUnwrap means a stanza made for this key did not authenticate.
var ErrUnwrap = errors.New("wrapped data key failed authentication")

// Unwrap opens a stanza made for this key, answering ErrNotMine otherwise.
func (k *Key) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if s.Type != StanzaType || s.KeyID != k.keyID {
		return nil, keyprovider.ErrNotMine
	}
	if len(s.Body) != bodySize {
		return nil, fmt.Errorf("file stanza body is %d bytes, want %d: %w", len(s.Body), bodySize, ErrUnwrap)
	}
	dk, err := k.aead.Open(nil, s.Body[:nonceSize], s.Body[nonceSize:], k.aad())
	if err != nil {
		return nil, ErrUnwrap
	}
	return dk, nil
}
