package sign

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// pemPublicKey is the PEM type of an X.509 SubjectPublicKeyInfo, as
// `openssl pkey -pubout` writes it.
const pemPublicKey = "PUBLIC KEY"

// ErrPublicKeyFile means data is not a PEM SubjectPublicKeyInfo of a
// supported key type.
var ErrPublicKeyFile = errors.New("not a PEM public key")

// MarshalPublicKey encodes pub as a PEM SubjectPublicKeyInfo, readable by
// openssl dgst -verify and by ParsePublicKey.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	if _, err := SchemeFor(pub); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("failed to encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublicKey, Bytes: der}), nil
}

// ParsePublicKey reads one PEM "PUBLIC KEY" block. Text before it is
// ignored, as OpenSSL ignores it; anything after it but whitespace is an
// error, since a second key in the file would be silently unused.
func ParsePublicKey(data []byte) (crypto.PublicKey, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("no PEM block found: %w", ErrPublicKeyFile)
	}
	if block.Type != pemPublicKey {
		return nil, fmt.Errorf("PEM block is %q, want %q: %w", block.Type, pemPublicKey, ErrPublicKeyFile)
	}
	if len(block.Headers) != 0 || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("unexpected data around the public key: %w", ErrPublicKeyFile)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPublicKeyFile, err)
	}
	if _, err := SchemeFor(pub); err != nil {
		return nil, err
	}
	return pub, nil
}
