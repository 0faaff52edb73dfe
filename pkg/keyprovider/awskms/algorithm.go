package awskms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
)

// The KMS SigningAlgorithm for each hash. RSASSA_PKCS1_V1_5_* are never
// chosen: keyprovider.Signer asks RSA keys for PSS only.
var (
	ecdsaAlgorithms = map[crypto.Hash]string{
		crypto.SHA256: "ECDSA_SHA_256",
		crypto.SHA384: "ECDSA_SHA_384",
	}
	pssAlgorithms = map[crypto.Hash]string{
		crypto.SHA256: "RSASSA_PSS_SHA_256",
		crypto.SHA384: "RSASSA_PSS_SHA_384",
		crypto.SHA512: "RSASSA_PSS_SHA_512",
	}
)

// signingAlgorithm picks the KMS SigningAlgorithm for digest and opts, as
// crypto.Signer callers pass them: the hash alone for ECDSA,
// *rsa.PSSOptions for RSA. Anything KMS would refuse is refused here,
// before a request, with a message that says why.
func (p *PublicKey) signingAlgorithm(digest []byte, opts crypto.SignerOpts) (string, error) {
	if opts == nil {
		return "", errors.New("no hash given for the digest")
	}
	h := opts.HashFunc()
	pss, isPSS := opts.(*rsa.PSSOptions)
	var alg string
	switch p.Key.(type) {
	case *ecdsa.PublicKey:
		if isPSS {
			return "", errors.New("RSA-PSS options for an ECDSA key")
		}
		alg = ecdsaAlgorithms[h]
	case *rsa.PublicKey:
		if !isPSS {
			return "", errors.New("RSA keys sign with RSA-PSS only (*rsa.PSSOptions), not PKCS #1 v1.5")
		}
		if err := checkSalt(pss, h); err != nil {
			return "", err
		}
		alg = pssAlgorithms[h]
	}
	if alg == "" {
		return "", fmt.Errorf("KMS cannot sign a %v digest with key spec %s", h, p.KeySpec)
	}
	if len(digest) != h.Size() {
		return "", fmt.Errorf("digest is %d bytes, want %d for %v", len(digest), h.Size(), h)
	}
	if !slices.Contains(p.SigningAlgorithms, alg) {
		return "", fmt.Errorf("key spec %s signs with %v, not %s", p.KeySpec, p.SigningAlgorithms, alg)
	}
	return alg, nil
}

// checkSalt accepts the salt lengths KMS can make: KMS's RSASSA-PSS salt
// is as long as the hash. PSSSaltLengthAuto, which asks for the longest
// salt, is accepted too, since it promises the verifier will detect the
// length (the PKCS#11 backend reads it the same way).
func checkSalt(pss *rsa.PSSOptions, h crypto.Hash) error {
	switch pss.SaltLength {
	case rsa.PSSSaltLengthAuto, rsa.PSSSaltLengthEqualsHash, h.Size():
		return nil
	}
	return fmt.Errorf("KMS signs RSA-PSS with a salt as long as the hash, not %d bytes", pss.SaltLength)
}
