// Package sign signs and verifies files of any size with the keys of every
// backend. The file is hashed here, streaming, and only the digest goes to
// the key (a local private key, AWS KMS with MessageType=DIGEST, a PKCS#11
// token), so memory stays flat and a remote key sees 32 to 64 bytes.
//
// Signatures are what OpenSSL makes and checks: ASN.1 DER for ECDSA, the
// bare RSASSA-PSS octet string for RSA, 64 bytes for Ed25519(ph). See
// Scheme for the hash each key type uses.
package sign

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/envseal/envseal/internal/checksum"
)

// ErrEnvelopeMessage is Sign's refusal of input that starts with
// EnvelopeDomain: its ECDSA or RSA signature would be a valid envelope
// signature for a file made of the rest of it.
var ErrEnvelopeMessage = errors.New("the input starts with the prefix of envseal signed files; envseal sign refuses it, so that no detached signature is an envelope signature")

// Sign streams r through the hash of s's key type and signs the digest.
// Input that starts with EnvelopeDomain is refused (ErrEnvelopeMessage).
// The signature is checked against s.Public before it is returned, so a
// faulty or mismatched backend (a token whose public key object belongs to
// another private key) can never hand out a signature that will not verify.
func Sign(s crypto.Signer, r io.Reader) ([]byte, error) {
	pub := s.Public()
	sc, err := SchemeFor(pub)
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(EnvelopeDomain))
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("failed to read input: %w", err)
	}
	if string(head[:n]) == EnvelopeDomain {
		return nil, ErrEnvelopeMessage
	}
	digest, err := checksum.Sum(sc.Hash.New(), io.MultiReader(bytes.NewReader(head[:n]), r))
	if err != nil {
		return nil, fmt.Errorf("failed to read input: %w", err)
	}
	sig, err := s.Sign(rand.Reader, digest, sc.Opts)
	if err != nil {
		return nil, fmt.Errorf("failed to sign: %w", err)
	}
	if err := verifyDigest(pub, sc, digest, sig); err != nil {
		return nil, fmt.Errorf("failed to sign: the key made a signature that does not verify with its public key (%s)", sc.Name)
	}
	return sig, nil
}
