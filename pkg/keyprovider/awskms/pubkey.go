package awskms

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Operation names, for errors and for picking their hints.
const (
	opPublicKey = "get public key"
	opSign      = "sign"
)

// PublicKey is what GetPublicKey says about an asymmetric signing key.
type PublicKey struct {
	// Key is the parsed SubjectPublicKeyInfo: *ecdsa.PublicKey or
	// *rsa.PublicKey.
	Key crypto.PublicKey
	// ARN is the key's ARN as KMS reported it, with any alias resolved.
	ARN string
	// KeySpec is the key's spec, such as ECC_NIST_P256 or RSA_3072.
	KeySpec string
	// SigningAlgorithms are the algorithms KMS lets this key sign with.
	SigningAlgorithms []string
}

// signingSpecs are the key specs envseal signs with, those keygen makes.
// Others (ECC_NIST_P521, ECC_SECG_P256K1, SM2, ML-DSA) are refused before
// any Sign call: internal/sign has no scheme for them, and crypto/x509 cannot
// parse most of their public keys.
var signingSpecs = map[string]bool{
	"ECC_NIST_P256": true, "ECC_NIST_P384": true,
	"RSA_2048": true, "RSA_3072": true, "RSA_4096": true,
}

// keyInfo is what GetPublicKey says about an asymmetric key, before
// checking that it suits the caller: signing (PublicKey) or sealing
// (rsaRecipient).
type keyInfo struct {
	arn        string
	usage      string
	spec       string
	der        []byte
	signing    []string
	encryption []string
}

// getPublicKey sends one GetPublicKey for keyID and checks only what any
// caller needs: a well-formed key ARN, the one asked for if an ARN was.
func (c *Client) getPublicKey(ctx context.Context, keyID string) (*keyInfo, error) {
	route, err := c.callOpts(opPublicKey, keyID)
	if err != nil {
		return nil, err
	}
	out, err := c.api.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: &keyID}, route...)
	if err != nil {
		return nil, wrapErr(opPublicKey, keyID, err)
	}
	if err := checkKeyARN(keyID, deref(out.KeyId)); err != nil {
		return nil, &Error{Op: opPublicKey, Key: keyID, Kind: ErrBadResponse, Err: err}
	}
	info := &keyInfo{arn: *out.KeyId, usage: string(out.KeyUsage), spec: string(out.KeySpec), der: out.PublicKey}
	for _, a := range out.SigningAlgorithms {
		info.signing = append(info.signing, string(a))
	}
	for _, a := range out.EncryptionAlgorithms {
		info.encryption = append(info.encryption, string(a))
	}
	return info, nil
}

// GetPublicKey fetches and parses the public key of keyID (an alias, key id
// or ARN), as `aws kms get-public-key` does. A key whose usage is not
// SIGN_VERIFY, symmetric or RSA encryption keys, is an ErrKeyUsage error:
// the public key of an encryption key is of no use for verifying.
func (c *Client) GetPublicKey(ctx context.Context, keyID string) (*PublicKey, error) {
	info, err := c.getPublicKey(ctx, keyID)
	if err != nil {
		return nil, err
	}
	return info.signingKey(keyID)
}

// signingKey checks that info is a key envseal signs with.
func (info *keyInfo) signingKey(keyID string) (*PublicKey, error) {
	if info.usage != string(types.KeyUsageTypeSignVerify) {
		return nil, &Error{Op: opPublicKey, Key: keyID, Kind: ErrKeyUsage,
			Err: fmt.Errorf("key usage is %s, signing needs SIGN_VERIFY", clean(info.usage))}
	}
	if !signingSpecs[info.spec] {
		return nil, &Error{Op: opPublicKey, Key: keyID, Kind: ErrKeySpec, Err: fmt.Errorf("key spec %s", clean(info.spec))}
	}
	pub, err := parsePublicKey(info.spec, info.der)
	if err != nil {
		return nil, &Error{Op: opPublicKey, Key: keyID, Kind: ErrBadResponse, Err: err}
	}
	return &PublicKey{Key: pub, ARN: info.arn, KeySpec: info.spec, SigningAlgorithms: info.signing}, nil
}

// parsePublicKey parses a DER SubjectPublicKeyInfo and checks that it is
// the key spec says: an ECDSA key on that curve, or RSA of that size.
func parsePublicKey(spec string, der []byte) (crypto.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	var got string
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		got = fmt.Sprintf("ECC_NIST_P%d", k.Curve.Params().BitSize)
	case *rsa.PublicKey:
		got = fmt.Sprintf("RSA_%d", k.N.BitLen())
	}
	if got != spec {
		return nil, fmt.Errorf("public key is not a %s key", spec)
	}
	return pub, nil
}

// checkKeyARN checks the key ARN KMS reported: well formed, and the one
// asked for when a key ARN was.
func checkKeyARN(asked, got string) error {
	if !isKeyARN(got) || (isKeyARN(asked) && got != asked) {
		return fmt.Errorf("KMS reported key %q", clean(got))
	}
	return nil
}
