package localkey

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// pemPrivateKey is the PEM type of a PKCS#8 private key, the format
// `openssl genpkey` writes and every other tool reads.
const pemPrivateKey = "PRIVATE KEY"

// RSA modulus bounds for signing keys: under 2048 bits is too weak (NIST
// SP 800-131A); over 8192 is not a key anyone makes on purpose.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// ParsePrivateKey reads an unencrypted PKCS#8 PEM private key: Ed25519,
// ECDSA P-256 or P-384, or RSA. As for key-encryption key files, text
// before the block is allowed and anything after it but whitespace is not.
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("no PEM block found: %w", ErrKeyFile)
	}
	defer clear(block.Bytes)
	if block.Type != pemPrivateKey {
		return nil, fmt.Errorf("PEM block is %q, want %q: %w", block.Type, pemPrivateKey, ErrKeyFile)
	}
	if len(block.Headers) != 0 || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("unexpected data around the key: %w", ErrKeyFile)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("invalid PKCS#8 private key (%v): %w", err, ErrKeyFile)
	}
	return checkSigningKey(key)
}

// checkSigningKey accepts the key types envseal signs with.
func checkSigningKey(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case ed25519.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		if k.Curve == elliptic.P256() || k.Curve == elliptic.P384() {
			return k, nil
		}
		return nil, fmt.Errorf("ECDSA key on %s, want P-256 or P-384: %w", k.Curve.Params().Name, ErrKeyFile)
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < minRSABits || bits > maxRSABits {
			return nil, fmt.Errorf("%d-bit RSA key, want %d to %d bits: %w", bits, minRSABits, maxRSABits, ErrKeyFile)
		}
		return k, nil
	}
	return nil, fmt.Errorf("unsupported private key type %T (want Ed25519, ECDSA P-256/P-384 or RSA): %w", key, ErrKeyFile)
}

// MarshalPrivateKey encodes a signing key as PKCS#8 PEM. It holds no
// comment lines, unlike a key-encryption key file, so that any PKCS#8
// reader (openssl pkey, other languages' libraries) takes it as is.
func MarshalPrivateKey(key crypto.Signer) ([]byte, error) {
	if _, err := checkSigningKey(key); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("failed to encode private key: %w", err)
	}
	defer clear(der)
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivateKey, Bytes: der}), nil
}
