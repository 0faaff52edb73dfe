package awskms

import (
	"context"
	"crypto"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Signer returns a crypto.Signer for the key, which must be an asymmetric
// key with usage SIGN_VERIFY. Its public key is fetched once per Key
// (GetPublicKey); each Sign is then one KMS Sign call with
// MessageType=DIGEST, so inputs of any size are hashed locally and KMS's
// 4096-byte limit on raw messages never applies.
//
// Sign calls are pinned to the key ARN GetPublicKey reported, so an alias
// moved in between cannot make a signature by a key other than the one
// Public describes. The signer uses ctx for its Sign calls.
func (k *Key) Signer(ctx context.Context) (crypto.Signer, error) {
	pub, err := k.PublicKey(ctx)
	if err != nil {
		return nil, err
	}
	return &signer{ctx: ctx, client: k.client, pub: pub}, nil
}

// PublicKey returns the key's public key, asking KMS only the first time.
// It fails with ErrKeyUsage for a key that cannot sign.
func (k *Key) PublicKey(ctx context.Context) (*PublicKey, error) {
	info, err := k.keyInfo(ctx)
	if err != nil {
		return nil, err
	}
	return info.signingKey(k.uri.KeyID)
}

// keyInfo returns GetPublicKey's answer for the key, asking KMS only the
// first time (a failure is not cached). Concurrent callers wait for one
// request.
func (k *Key) keyInfo(ctx context.Context) (*keyInfo, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.info != nil {
		return k.info, nil
	}
	info, err := k.client.getPublicKey(ctx, k.uri.KeyID)
	if err != nil {
		return nil, err
	}
	k.info = info
	if k.arn == "" {
		k.arn = info.arn
	}
	return info, nil
}

type signer struct {
	ctx    context.Context
	client *Client
	pub    *PublicKey
}

// Public returns the key's *ecdsa.PublicKey or *rsa.PublicKey.
func (s *signer) Public() crypto.PublicKey { return s.pub.Key }

// Sign signs digest, which the caller hashed with opts.HashFunc(). ECDSA
// signatures are ASN.1 DER, as KMS returns them; RSA ones are RSASSA-PSS
// with MGF1 over the same hash. rand is unused: KMS makes its own.
func (s *signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	alg, err := s.pub.signingAlgorithm(digest, opts)
	if err != nil {
		return nil, &Error{Op: opSign, Key: s.pub.ARN, Kind: ErrInvalidArgument, Err: err}
	}
	return s.client.SignDigest(s.ctx, s.pub.ARN, alg, digest)
}

// SignDigest signs a digest with keyID using the KMS SigningAlgorithm alg,
// as `aws kms sign --message-type DIGEST` does, and returns the signature
// as KMS encodes it.
func (c *Client) SignDigest(ctx context.Context, keyID, alg string, digest []byte) ([]byte, error) {
	route, err := c.callOpts(opSign, keyID)
	if err != nil {
		return nil, err
	}
	out, err := c.api.Sign(ctx, &kms.SignInput{
		KeyId:            &keyID,
		Message:          digest,
		MessageType:      types.MessageTypeDigest,
		SigningAlgorithm: types.SigningAlgorithmSpec(alg),
	}, route...)
	if err != nil {
		return nil, wrapErr(opSign, keyID, err)
	}
	if len(out.Signature) == 0 {
		return nil, &Error{Op: opSign, Key: keyID, Kind: ErrBadResponse, Err: errors.New("empty signature")}
	}
	if err := checkKeyARN(keyID, deref(out.KeyId)); err != nil {
		return nil, &Error{Op: opSign, Key: keyID, Kind: ErrBadResponse, Err: err}
	}
	return out.Signature, nil
}
