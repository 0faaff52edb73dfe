//go:build cgo

package pkcs11

import (
	"bytes"
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
	p11 "github.com/miekg/pkcs11"
)

// kekSize is the only AES key size accepted for wrapping, so that a
// pkcs11 recipient is never weaker than the payload's AES-256.
const kekSize = 32

// Wrap encrypts dataKey under the token's AES key. The encryption context is
// bound by the header MAC, as for file keys: a token has no policy to check.
func (k *Key) Wrap(ctx context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("data key must be %d bytes", keyprovider.DataKeySize)
	}
	var s *keyprovider.Stanza
	err := k.use(ctx, func(t *token) error {
		kek, err := t.kek(k.uri, p11.CKA_ENCRYPT)
		if err != nil {
			return err
		}
		keyID := t.keyID(kek)
		body, err := t.encryptGCM(kek.h, dataKey, stanzaAAD(keyID))
		if err != nil {
			return err
		}
		s = &keyprovider.Stanza{Type: StanzaType, KeyID: keyID, Body: body}
		return nil
	})
	return s, err
}

// Unwrap decrypts a stanza made for this key. Stanzas of another type, or
// whose key id names another object label or CKA_ID, are ErrNotMine;
// finding that out for a pkcs11 stanza takes a login, since the label and
// id are read from the token.
//
// The token's label and serial in the key id are not compared: a key
// restored from backup or replicated to another token (with another serial)
// must still open the files sealed to it. They are bound by the AAD all the
// same, which uses the stanza's own key id.
func (k *Key) Unwrap(ctx context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if s.Type != StanzaType {
		return nil, keyprovider.ErrNotMine
	}
	var dk []byte
	err := k.use(ctx, func(t *token) error {
		kek, err := t.kek(k.uri, p11.CKA_DECRYPT)
		if err != nil {
			return err
		}
		if !kek.names(s.KeyID) {
			return keyprovider.ErrNotMine
		}
		if len(s.Body) != bodySize {
			return fmt.Errorf("%s stanza body is %d bytes, want %d: %w", StanzaType, len(s.Body), bodySize, ErrUnwrap)
		}
		dk, err = t.decryptGCM(kek.h, s.Body, stanzaAAD(s.KeyID))
		return err
	})
	return dk, err
}

// names reports whether a stanza key id names o's label and CKA_ID.
func (o object) names(keyID string) bool {
	u, err := ParseURI(keyID)
	return err == nil && u.Object == o.label && bytes.Equal(u.ID, o.id)
}

// KeyID returns the id this key puts in stanzas (see StanzaType).
func (k *Key) KeyID(ctx context.Context) (string, error) {
	var id string
	err := k.use(ctx, func(t *token) error {
		kek, err := t.kek(k.uri, p11.CKA_ENCRYPT)
		if err != nil {
			return err
		}
		id = t.keyID(kek)
		return nil
	})
	return id, err
}

// kek finds u's AES-256 key and checks that it may do perm (CKA_ENCRYPT or
// CKA_DECRYPT), which tokens would otherwise report as a bare
// CKR_KEY_FUNCTION_NOT_PERMITTED.
func (t *token) kek(u *URI, perm uint) (object, error) {
	o, err := t.pick(u, roleWrap)
	if err != nil {
		return object{}, err
	}
	a, err := t.attrs(o.h, p11.CKA_VALUE_LEN, perm)
	if err != nil {
		return object{}, err
	}
	desc := fmt.Sprintf("%s on token %q", u.objectDesc(), t.label)
	if n := ulong(a[0]); n != kekSize {
		return object{}, fmt.Errorf("%s is an AES-%d key, want AES-256: %w", desc, n*8, ErrWrongKeyType)
	}
	if !boolAttr(a[1]) {
		return object{}, fmt.Errorf("%s does not allow %s: %w", desc, permName[perm], ErrWrongKeyType)
	}
	return o, nil
}

var permName = map[uint]string{p11.CKA_ENCRYPT: "encryption (CKA_ENCRYPT)", p11.CKA_DECRYPT: "decryption (CKA_DECRYPT)"}

// keyID names o without secrets: token label and serial, object label and
// CKA_ID, as a pkcs11: URI a person can read and reuse.
func (t *token) keyID(o object) string {
	return URI{Token: t.label, Serial: t.serial, Object: o.label, ID: o.id}.String()
}
