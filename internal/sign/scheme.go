package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
)

// Scheme is how one kind of key signs a file: the hash the file is streamed
// through and the options handed to crypto.Signer with the digest.
//
// The hash follows the key, so that a signature needs no metadata and
// `openssl dgst -<hash>` verifies it:
//   - ECDSA P-256: SHA-256; ECDSA P-384: SHA-384 (each curve's own
//     security level, as FIPS 186-5 and AWS KMS's ECDSA_SHA_256/384 pair them).
//   - RSA (2048 to 8192 bits): SHA-256 with RSASSA-PSS, MGF1-SHA-256 and a
//     salt as long as the hash (32 bytes), which is what KMS and HSMs use.
//   - Ed25519: Ed25519ph, pure Ed25519 over the SHA-512 of the file
//     (RFC 8032 section 5.1, empty context; envelope signatures use
//     EnvelopeEd25519Context), because pure Ed25519 would
//     need the whole file in memory.
type Scheme struct {
	// Name is the key type and algorithm, for messages: "ecdsa-p256-sha256".
	Name string
	Hash crypto.Hash
	Opts crypto.SignerOpts
}

// ErrUnsupportedKey means a key is of a type or size envseal does not sign with.
var ErrUnsupportedKey = errors.New("unsupported signing key")

// RSA modulus bounds: under 2048 bits is too weak to sign with (NIST SP
// 800-131A); over 8192 is not a key anyone makes on purpose.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// SchemeFor returns the scheme of a public key.
func SchemeFor(pub crypto.PublicKey) (*Scheme, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return &Scheme{"ecdsa-p256-sha256", crypto.SHA256, crypto.SHA256}, nil
		case elliptic.P384():
			return &Scheme{"ecdsa-p384-sha384", crypto.SHA384, crypto.SHA384}, nil
		}
		return nil, fmt.Errorf("%w: ECDSA on %s (want P-256 or P-384)", ErrUnsupportedKey, k.Curve.Params().Name)
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < minRSABits || bits > maxRSABits {
			return nil, fmt.Errorf("%w: %d-bit RSA (want %d to %d bits)", ErrUnsupportedKey, bits, minRSABits, maxRSABits)
		}
		pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		return &Scheme{fmt.Sprintf("rsa-%d-pss-sha256", k.N.BitLen()), crypto.SHA256, pss}, nil
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrUnsupportedKey, len(k))
		}
		return &Scheme{"ed25519ph", crypto.SHA512, &ed25519.Options{Hash: crypto.SHA512}}, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
}
