package awskms

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// GenerateDataKey makes the file's data key in KMS (AES_256) bound to
// encCtx, so the key never exists outside KMS before it is wrapped. The
// stanza records the key ARN KMS reports, not the alias: the file names
// the key that can open it even if the alias later moves.
//
// An RSA encryption key cannot make data keys: the data key is then made
// locally (crypto/rand) and wrapped for the key's public key (see
// symmetricOr for what that costs).
func (k *Key) GenerateDataKey(ctx context.Context, encCtx map[string]string) ([]byte, *keyprovider.Stanza, error) {
	var dk *DataKey
	r, err := k.symmetricOr(ctx, func() (err error) {
		dk, err = k.client.GenerateDataKey(ctx, k.uri.KeyID, "AES_256", encCtx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if r != nil {
		return wrapRSA(r)
	}
	k.learnARN(dk.KeyID)
	s := &keyprovider.Stanza{Type: StanzaType, KeyID: dk.KeyID, Body: dk.CiphertextBlob}
	return dk.Plaintext, s, nil
}

// Wrap encrypts a data key made elsewhere (by the first KMS recipient, or
// locally) under this key with one KMS Encrypt call, bound to encCtx; for
// an RSA encryption key it wraps locally (see symmetricOr).
func (k *Key) Wrap(ctx context.Context, dataKey []byte, encCtx map[string]string) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("data key must be %d bytes", keyprovider.DataKeySize)
	}
	var s *keyprovider.Stanza
	r, err := k.symmetricOr(ctx, func() (err error) {
		s, err = k.encrypt(ctx, dataKey, encCtx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if r != nil {
		return r.wrap(dataKey)
	}
	return s, nil
}

func (k *Key) encrypt(ctx context.Context, dataKey []byte, encCtx map[string]string) (*keyprovider.Stanza, error) {
	const op = "wrap data key"
	route, err := k.client.callOpts(op, k.uri.KeyID)
	if err != nil {
		return nil, err
	}
	out, err := k.client.api.Encrypt(ctx, &kms.EncryptInput{
		KeyId:             &k.uri.KeyID,
		Plaintext:         dataKey,
		EncryptionContext: kmsContext(encCtx),
	}, route...)
	if err != nil {
		return nil, wrapErr(op, k.uri.KeyID, err)
	}
	arn := deref(out.KeyId)
	if _, ok := parseKeyARN(arn); !ok || len(out.CiphertextBlob) == 0 || len(out.CiphertextBlob) > maxCiphertextBlob {
		return nil, &Error{Op: op, Key: k.uri.KeyID, Kind: ErrBadResponse}
	}
	k.learnARN(arn)
	return &keyprovider.Stanza{Type: StanzaType, KeyID: arn, Body: out.CiphertextBlob}, nil
}
