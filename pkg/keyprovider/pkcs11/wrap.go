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

// Wrap encrypts dataKey for the key. For an RSA key pair it encrypts
// locally with RSA-OAEP under the public key (see StanzaTypeRSASHA256); for
// an AES key it encrypts on the token (see StanzaType). Either way the
// encryption context is bound by the header MAC, as for file keys: a token
// has no policy to check.
//
// Which of the two the URI names is decided after logging in, the way
// Unwrap decides it (see sealTarget): a public session cannot see private
// AES keys, so it cannot tell an AES key from a public key object planted
// under the same label by anyone who can open a session. Only a URI with
// type=public seals without logging in, trusting the token's public
// objects (see recipient).
func (k *Key) Wrap(ctx context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("data key must be %d bytes", keyprovider.DataKeySize)
	}
	if k.uri.Type == "public" {
		r, err := k.recipient(ctx)
		if err != nil {
			return nil, err
		}
		return r.wrap(dataKey)
	}
	var s *keyprovider.Stanza
	err := k.use(ctx, func(t *token) error {
		r, kek, err := t.sealTarget(k.uri, k.opts)
		if err != nil {
			return err
		}
		if r != nil {
			s, err = r.wrap(dataKey)
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

// sealTarget returns what a logged-in session seals to: the recipient of
// an RSA key pair, or the AES key. It picks among the objects u names as
// Unwrap does (an AES secret key or an RSA private key; two is an error),
// so a file is sealed to the key that opens it, and an RSA pair's public
// key object must carry the private key's modulus (see pairRecipient).
func (t *token) sealTarget(u *URI, opts *keyprovider.Options) (*rsaRecipient, object, error) {
	o, err := t.pick(u, roleSeal)
	if err != nil {
		return nil, object{}, err
	}
	if o.class == p11.CKO_PRIVATE_KEY {
		r, err := t.pairRecipient(u, o, opts)
		return r, object{}, err
	}
	kek, err := t.checkKEK(u, o, p11.CKA_ENCRYPT)
	return nil, kek, err
}

// recipient returns the RSA public key object a type=public URI names,
// read from the token once per Key without logging in. Nothing checks it
// against a private key: that takes a login, and type=public is the way to
// say the token's public objects are trusted.
func (k *Key) recipient(ctx context.Context) (*rsaRecipient, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.rsa != nil {
		return k.rsa, nil
	}
	err := k.useSession(ctx, func(t *token) error {
		r, err := t.encryptionKey(k.uri, k.opts)
		if err == nil && r == nil {
			err = fmt.Errorf("no RSA public key on token %q matches %s: %w", t.label, k.uri.objectDesc(), ErrObjectNotFound)
		}
		k.rsa = r
		return err
	})
	return k.rsa, err
}

// Unwrap decrypts a stanza made for this key. Stanzas of another type (an
// RSA stanza for an AES key, or the reverse), or whose key id names another
// object label or CKA_ID, are ErrNotMine; finding that out for a pkcs11
// stanza takes a login, since the label and id are read from the token.
//
// The token's label and serial in the key id are not compared: a key
// restored from backup or replicated to another token (with another serial)
// must still open the files sealed to it. For AES they are bound by the AAD
// all the same, which uses the stanza's own key id.
func (k *Key) Unwrap(ctx context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	alg, isRSA := oaepByStanza(s.Type)
	if s.Type != StanzaType && !isRSA {
		return nil, keyprovider.ErrNotMine
	}
	var dk []byte
	err := k.use(ctx, func(t *token) error {
		o, err := t.pick(k.uri, roleOpen)
		if err != nil {
			return err
		}
		if (o.class == p11.CKO_PRIVATE_KEY) != isRSA || !o.names(s.KeyID) {
			return keyprovider.ErrNotMine
		}
		if isRSA {
			_, n, err := t.checkDecrypt(k.uri, o)
			if err != nil {
				return err
			}
			if size := len(n); len(s.Body) != size {
				return fmt.Errorf("%s stanza body is %d bytes, want %d (the modulus size): %w", s.Type, len(s.Body), size, ErrUnwrap)
			}
			dk, err = t.decryptOAEP(o, alg, s.Body)
			return err
		}
		kek, err := t.checkKEK(k.uri, o, p11.CKA_DECRYPT)
		if err != nil {
			return err
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
	if k.uri.Type == "public" {
		r, err := k.recipient(ctx)
		if err != nil {
			return "", err
		}
		return r.keyID, nil
	}
	var id string
	err := k.use(ctx, func(t *token) error {
		r, kek, err := t.sealTarget(k.uri, k.opts)
		switch {
		case err != nil:
			return err
		case r != nil:
			id = r.keyID
		default:
			id = t.keyID(kek)
		}
		return nil
	})
	return id, err
}

// ExportPublic returns the public half of an RSA key pair whose private
// key may decrypt (CKA_DECRYPT), for sealing with --key pub:FILE. For any
// other key (AES, EC, an RSA key pair for signing only) it fails with
// ErrWrongKeyType, which is keyprovider.ErrUnsupported: envseal pubkey then
// exports the signing key. A pair that may both sign and decrypt is
// exported as an encryption key. Checking the private key takes a login.
func (k *Key) ExportPublic(ctx context.Context) (*keyprovider.PublicKey, error) {
	var r *rsaRecipient
	err := k.use(ctx, func(t *token) error {
		var err error
		r, err = t.exportKey(k.uri, k.opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r.export()
}

// kek finds u's AES-256 key and checks that it may do perm (CKA_ENCRYPT or
// CKA_DECRYPT), which tokens would otherwise report as a bare
// CKR_KEY_FUNCTION_NOT_PERMITTED.
func (t *token) kek(u *URI, perm uint) (object, error) {
	o, err := t.pick(u, roleWrap)
	if err != nil {
		return object{}, err
	}
	return t.checkKEK(u, o, perm)
}

// checkKEK checks that the AES key o is AES-256 and may do perm.
func (t *token) checkKEK(u *URI, o object, perm uint) (object, error) {
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
