package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/envseal/envseal/internal/checksum"
)

// ErrVerification is wrapped by every error that means "this signature is
// not valid for this input and key", as opposed to failing to read them.
var ErrVerification = errors.New("signature verification failed")

// Verify streams r through the hash of pub's key type and checks sig.
func Verify(pub crypto.PublicKey, r io.Reader, sig []byte) error {
	sc, err := SchemeFor(pub)
	if err != nil {
		return err
	}
	digest, err := checksum.Sum(sc.Hash.New(), r)
	if err != nil {
		return fmt.Errorf("failed to read input: %w", err)
	}
	return verifyDigest(pub, sc, digest, sig)
}

// verifyDigest checks sig over digest. RSA-PSS accepts any salt length
// (the salt length is recovered from the signature, as OpenSSL does when
// verifying), so signatures made with OpenSSL's default maximum salt
// verify too, not only envseal's hash-length salt.
func verifyDigest(pub crypto.PublicKey, sc *Scheme, digest, sig []byte) error {
	var ok bool
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if !isDERSignature(sig) {
			return fmt.Errorf("%w: not a DER-encoded %s signature", ErrVerification, sc.Name)
		}
		ok = ecdsa.VerifyASN1(k, digest, sig)
	case *rsa.PublicKey:
		if len(sig) != k.Size() {
			return fmt.Errorf("%w: signature is %d bytes, a %s signature is %d", ErrVerification, len(sig), sc.Name, k.Size())
		}
		ok = rsa.VerifyPSS(k, sc.Hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
	case ed25519.PublicKey:
		if len(sig) != ed25519.SignatureSize {
			return fmt.Errorf("%w: signature is %d bytes, an Ed25519 signature is %d", ErrVerification, len(sig), ed25519.SignatureSize)
		}
		ok = ed25519.VerifyWithOptions(k, digest, sig, sc.Opts.(*ed25519.Options)) == nil
	}
	if !ok {
		return ErrVerification
	}
	return nil
}

// isDERSignature reports whether sig is exactly one DER SEQUENCE of two
// INTEGERs, so that a wrong-algorithm signature gets a precise message.
func isDERSignature(sig []byte) bool {
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &rs)
	return err == nil && len(rest) == 0
}
