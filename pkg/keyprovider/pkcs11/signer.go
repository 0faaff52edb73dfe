//go:build cgo

package pkcs11

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/envseal/envseal/pkg/keyprovider"
	p11 "github.com/miekg/pkcs11"
)

// signer is a crypto.Signer backed by a private key on a token. It keeps
// the object handle, which is valid for the life of the session.
type signer struct {
	t   *token
	h   p11.ObjectHandle
	pub crypto.PublicKey
}

func newSigner(ctx context.Context, k *Key) (crypto.Signer, error) {
	s := &signer{}
	err := k.use(ctx, func(t *token) error {
		o, err := t.pick(k.uri, roleSign)
		if err != nil {
			return err
		}
		pub, err := t.publicKey(o)
		if err != nil {
			return err
		}
		s.t, s.h, s.pub = t, o.h, pub
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Public returns the key's *ecdsa.PublicKey or *rsa.PublicKey.
func (s *signer) Public() crypto.PublicKey { return s.pub }

// Sign signs digest, which the caller has hashed with opts.HashFunc(). The
// rand argument is unused: the token makes its own randomness.
func (s *signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil {
		opts = crypto.Hash(0) // as crypto/ecdsa allows
	}
	if h := opts.HashFunc(); h != 0 && len(digest) != h.Size() {
		return nil, fmt.Errorf("digest is %d bytes, want %d for %v", len(digest), h.Size(), h)
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	if s.t.closed {
		return nil, ErrClosed
	}
	switch pub := s.pub.(type) {
	case *ecdsa.PublicKey:
		return s.signECDSA(pub, digest)
	case *rsa.PublicKey:
		pss, ok := opts.(*rsa.PSSOptions)
		if !ok {
			return nil, fmt.Errorf("RSA keys on a token sign with RSA-PSS only: %w", keyprovider.ErrUnsupported)
		}
		return s.signPSS(digest, pss)
	}
	return nil, keyprovider.ErrUnsupported
}

// signECDSA signs with CKM_ECDSA, which returns r || s, and re-encodes it
// as the ASN.1 DER SEQUENCE that crypto/ecdsa and AWS KMS produce.
func (s *signer) signECDSA(pub *ecdsa.PublicKey, digest []byte) ([]byte, error) {
	raw, err := s.sign(p11.NewMechanism(p11.CKM_ECDSA, nil), digest)
	if err != nil {
		return nil, err
	}
	n := (pub.Curve.Params().BitSize + 7) / 8
	if len(raw) != 2*n {
		return nil, fmt.Errorf("token %q returned a %d-byte ECDSA signature, want %d", s.t.label, len(raw), 2*n)
	}
	r, ss := new(big.Int).SetBytes(raw[:n]), new(big.Int).SetBytes(raw[n:])
	return asn1.Marshal(struct{ R, S *big.Int }{r, ss})
}

// signPSS signs with CKM_RSA_PKCS_PSS, MGF1 with the digest's hash. An
// unspecified salt length means the hash's length, the common choice of
// HSMs and cloud KMSes.
func (s *signer) signPSS(digest []byte, opts *rsa.PSSOptions) ([]byte, error) {
	h := opts.HashFunc()
	alg, ok := pssHashes[h]
	if !ok {
		return nil, fmt.Errorf("RSA-PSS with %v: %w", h, keyprovider.ErrUnsupported)
	}
	salt := opts.SaltLength
	if salt == rsa.PSSSaltLengthAuto || salt == rsa.PSSSaltLengthEqualsHash {
		salt = h.Size()
	}
	if salt < 0 {
		return nil, errors.New("invalid RSA-PSS salt length")
	}
	params := p11.NewPSSParams(alg[0], alg[1], uint(salt))
	return s.sign(p11.NewMechanism(p11.CKM_RSA_PKCS_PSS, params), digest)
}

// pssHashes maps a hash to its PKCS#11 hash mechanism and MGF1 variant.
var pssHashes = map[crypto.Hash][2]uint{
	crypto.SHA256: {p11.CKM_SHA256, p11.CKG_MGF1_SHA256},
	crypto.SHA384: {p11.CKM_SHA384, p11.CKG_MGF1_SHA384},
	crypto.SHA512: {p11.CKM_SHA512, p11.CKG_MGF1_SHA512},
}

// sign runs one C_SignInit/C_Sign. s.t.mu must be held.
func (s *signer) sign(mech *p11.Mechanism, digest []byte) ([]byte, error) {
	ctx := s.t.mod.ctx
	if err := ctx.SignInit(s.t.sess, []*p11.Mechanism{mech}, s.h); err != nil {
		return nil, fmt.Errorf("failed to start signing on token %q: %w", s.t.label, err)
	}
	sig, err := ctx.Sign(s.t.sess, digest)
	if err != nil {
		return nil, fmt.Errorf("failed to sign on token %q: %w", s.t.label, err)
	}
	return sig, nil
}
