package localkey

import (
	"context"
	"crypto"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// SigningKey is a private key file used to sign: Ed25519, ECDSA P-256 or
// P-384, or RSA, in PKCS#8 PEM. It cannot wrap data keys; a file: URI
// names either a SigningKey or a key-encryption key (Key), by its PEM type.
type SigningKey struct {
	uri string
	key crypto.Signer
}

var _ keyprovider.Signer = (*SigningKey)(nil)

// NewSigningKey wraps a private key of a supported type. uri is only for
// display.
func NewSigningKey(key crypto.Signer, uri string) (*SigningKey, error) {
	k, err := checkSigningKey(key)
	if err != nil {
		return nil, err
	}
	return &SigningKey{uri: uri, key: k}, nil
}

// URI returns the key's file: URI.
func (k *SigningKey) URI() string { return k.uri }

// Signer returns the private key itself: the standard library's ECDSA,
// RSA and Ed25519 keys sign digests with the options internal/sign passes.
func (k *SigningKey) Signer(context.Context) (crypto.Signer, error) { return k.key, nil }

// Public returns the key's public half.
func (k *SigningKey) Public() crypto.PublicKey { return k.key.Public() }

func loadSigningKey(data []byte, path string) (*SigningKey, error) {
	key, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return NewSigningKey(key, "file:"+path)
}
