package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// Fixed-size signatures are what a signed envelope carries in its trailer
// (docs/FORMAT.md, "Signed files"): a streaming reader must know how many
// bytes to hold back before it reads them, so every signature of a key
// has one length. Ed25519(ph) is 64 bytes, RSASSA-PSS is as long as the
// modulus, and ECDSA is r || s, each a big-endian integer padded to the
// curve's order size (32 bytes for P-256, 48 for P-384), as in IEEE P1363
// and JWS, instead of the variable-length DER that crypto.Signer, KMS and
// OpenSSL produce.

// EnvelopeDomain starts the message of every envelope signature
// (envelope.SignatureDomain): Sign refuses input that starts with it, so
// that envseal sign is never an oracle for envelope signatures.
const EnvelopeDomain = "envseal.v2 signed file\x00"

// EnvelopeEd25519Context is the Ed25519ph context (RFC 8032 section 5.1)
// of envelope signatures. Detached signatures (Sign, openssl) use the
// empty context, so no detached Ed25519 signature by a key is ever a
// valid envelope signature by it, whatever message it signed.
const EnvelopeEd25519Context = "envseal signed file v2"

// envelopeScheme is pub's scheme for envelope signatures: the detached
// one, with the envelope context for Ed25519.
func envelopeScheme(pub crypto.PublicKey) (*Scheme, error) {
	sc, err := SchemeFor(pub)
	if err != nil {
		return nil, err
	}
	if _, ok := pub.(ed25519.PublicKey); ok {
		sc.Opts = &ed25519.Options{Hash: crypto.SHA512, Context: EnvelopeEd25519Context}
	}
	return sc, nil
}

// FixedSize returns the length of every fixed-size signature by pub.
func FixedSize(pub crypto.PublicKey) (int, error) {
	if _, err := SchemeFor(pub); err != nil {
		return 0, err
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return 2 * ((k.Curve.Params().BitSize + 7) / 8), nil
	case *rsa.PublicKey:
		return k.Size(), nil
	}
	return ed25519.SignatureSize, nil
}

// SignDigest makes an envelope signature: it signs digest (made with the
// hash of s's scheme; Ed25519ph with EnvelopeEd25519Context) and returns
// the fixed-size signature, checked against s.Public first: a backend
// whose signature does not verify never yields a file that will not.
func SignDigest(s crypto.Signer, digest []byte) ([]byte, error) {
	pub := s.Public()
	sc, err := envelopeScheme(pub)
	if err != nil {
		return nil, err
	}
	sig, err := s.Sign(rand.Reader, digest, sc.Opts)
	if err != nil {
		return nil, fmt.Errorf("failed to sign: %w", err)
	}
	if err := verifyDigest(pub, sc, digest, sig); err != nil {
		return nil, fmt.Errorf("failed to sign: the key made a signature that does not verify with its public key (%s)", sc.Name)
	}
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		return derToFixed(k, sig)
	}
	return sig, nil
}

// VerifyDigest checks a fixed-size envelope signature over digest.
func VerifyDigest(pub crypto.PublicKey, digest, sig []byte) error {
	sc, err := envelopeScheme(pub)
	if err != nil {
		return err
	}
	n, _ := FixedSize(pub)
	if len(sig) != n {
		return fmt.Errorf("%w: signature is %d bytes, a %s signature is %d", ErrVerification, len(sig), sc.Name, n)
	}
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		r, s := new(big.Int).SetBytes(sig[:n/2]), new(big.Int).SetBytes(sig[n/2:])
		if !isLowS(k, s) {
			return fmt.Errorf("%w: ECDSA s is above half the group order (envelope signatures are low-S)", ErrVerification)
		}
		if !ecdsa.Verify(k, digest, r, s) {
			return ErrVerification
		}
		return nil
	}
	return verifyDigest(pub, sc, digest, sig)
}

// FixedToDER converts an ECDSA r || s signature to the ASN.1 DER form
// OpenSSL verifies; other signatures are returned as they are.
func FixedToDER(pub crypto.PublicKey, sig []byte) ([]byte, error) {
	if _, ok := pub.(*ecdsa.PublicKey); !ok {
		return sig, nil
	}
	h := len(sig) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:h]), new(big.Int).SetBytes(sig[h:])})
}

func derToFixed(k *ecdsa.PublicKey, der []byte) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("failed to sign: the key returned a malformed ECDSA signature")
	}
	size := (k.Curve.Params().BitSize + 7) / 8
	if rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.BitLen() > 8*size || rs.S.BitLen() > 8*size {
		return nil, fmt.Errorf("failed to sign: the key returned an out-of-range ECDSA signature")
	}
	// (r, n-s) verifies as well as (r, s): writing the low one, and
	// reading only it, gives every signed file one valid signature per
	// ECDSA signing, so a third party cannot make a second file with the
	// same content that differs in its last bytes.
	if !isLowS(k, rs.S) {
		rs.S.Sub(k.Curve.Params().N, rs.S)
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}

// isLowS reports whether s <= n/2, n the curve's order.
func isLowS(k *ecdsa.PublicKey, s *big.Int) bool {
	half := new(big.Int).Rsh(k.Curve.Params().N, 1)
	return s.Cmp(half) <= 0
}
