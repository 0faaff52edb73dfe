package localkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// newPrivateKey generates a signing key of type t.
func newPrivateKey(t KeyType) (crypto.Signer, error) {
	switch t {
	case Ed25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	}
	return nil, fmt.Errorf("key type %q is not a signing key type", t)
}

// GenerateSigningKey creates a new private key of type t in a PKCS#8 PEM
// file at path, mode 0600, with the same no-clobber and atomic --force
// rules as Generate.
func GenerateSigningKey(path string, t KeyType, force bool) (*SigningKey, error) {
	key, err := newPrivateKey(t)
	if err != nil {
		return nil, err
	}
	data, err := MarshalPrivateKey(key)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	if err := writeKeyFile(path, data, force); err != nil {
		return nil, err
	}
	return NewSigningKey(key, "file:"+path)
}
