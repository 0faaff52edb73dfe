//go:build cgo

package pkcs11

import (
	"crypto/rand"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
	p11 "github.com/miekg/pkcs11"
)

// Layout of a pkcs11-aes-gcm stanza body (see StanzaType).
const (
	nonceSize = 12
	tagSize   = 16
	bodySize  = nonceSize + keyprovider.DataKeySize + tagSize
)

func stanzaAAD(keyID string) []byte {
	return []byte(StanzaType + "\x00" + keyID)
}

// encryptGCM returns nonce || ciphertext || tag of plaintext under key.
func (t *token) encryptGCM(key p11.ObjectHandle, plaintext, aad []byte) ([]byte, error) {
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	params := p11.NewGCMParams(nonce, aad, tagSize*8)
	defer params.Free()
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_AES_GCM, params)}
	ctx := t.mod.ctx
	if err := ctx.EncryptInit(t.sess, mech, key); err != nil {
		return nil, fmt.Errorf("failed to start AES-GCM on token %q: %w", t.label, err)
	}
	ct, err := ctx.Encrypt(t.sess, plaintext)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt on token %q: %w", t.label, err)
	}
	// Some HSMs ignore the caller's IV and write back their own.
	if iv := params.IV(); iv != nil {
		nonce = iv
	}
	if len(nonce) != nonceSize || len(ct) != len(plaintext)+tagSize {
		return nil, fmt.Errorf("token %q returned a %d-byte nonce and %d-byte ciphertext, want %d and %d",
			t.label, len(nonce), len(ct), nonceSize, len(plaintext)+tagSize)
	}
	return append(nonce, ct...), nil
}

// decryptGCM opens nonce || ciphertext || tag under key.
func (t *token) decryptGCM(key p11.ObjectHandle, body, aad []byte) ([]byte, error) {
	params := p11.NewGCMParams(body[:nonceSize], aad, tagSize*8)
	defer params.Free()
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_AES_GCM, params)}
	ctx := t.mod.ctx
	if err := ctx.DecryptInit(t.sess, mech, key); err != nil {
		return nil, fmt.Errorf("failed to start AES-GCM on token %q: %w", t.label, err)
	}
	pt, err := ctx.Decrypt(t.sess, body[nonceSize:])
	if err != nil {
		// Tokens disagree on the code for a bad tag; any failure here means
		// the body did not authenticate under this key.
		return nil, fmt.Errorf("token %q: %w (%w)", t.label, ErrUnwrap, err)
	}
	return pt, nil
}
