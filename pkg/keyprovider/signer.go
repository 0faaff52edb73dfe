package keyprovider

import (
	"context"
	"crypto"
)

// Signer is a Key that can sign: a local private key file, an asymmetric
// AWS KMS key, a private key on a PKCS#11 token.
//
// Signer returns a standard crypto.Signer so that one code path (internal/sign)
// hashes the input locally, streaming, and hands the backend only a digest:
// AWS KMS signs it with MessageType=DIGEST, a token with CKM_ECDSA or
// CKM_RSA_PKCS_PSS. Opening the crypto.Signer may contact the backend (to
// log in, or to fetch the public key for Public); the crypto.Signer may use
// ctx for its later remote calls too, so it is valid only while ctx is.
//
// The crypto.Signer's Sign is called with:
//   - ECDSA (P-256, P-384): opts is the crypto.Hash of the digest; the
//     signature is ASN.1 DER, as crypto/ecdsa returns it.
//   - RSA: opts is *rsa.PSSOptions with SaltLength
//     rsa.PSSSaltLengthEqualsHash; the signature is RSASSA-PSS with MGF1
//     over the same hash. PKCS#1 v1.5 is never asked for.
//   - Ed25519: opts is *ed25519.Options{Hash: crypto.SHA512} and digest is a
//     SHA-512 hash: Ed25519ph (RFC 8032), since pure Ed25519 needs the whole
//     message in memory. Envelope signatures set opts.Context too ("envseal
//     signed file v2"): a signer must honour it or fail.
//
// Public must return *ecdsa.PublicKey, *rsa.PublicKey or ed25519.PublicKey.
type Signer interface {
	Key
	Signer(ctx context.Context) (crypto.Signer, error)
}
