package awskms

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/pkg/keyprovider"
)

const opRewrap = "re-encrypt data key"

var _ keyprovider.Rewrapper = (*Key)(nil)

// Rewrap makes this key's stanza from another KMS stanza with one ReEncrypt
// call: KMS decrypts from.Body under its key and encrypts the result under
// this one, so the data key stays inside KMS and is not sent back over the
// network as Wrap (Encrypt) would send it. Both sides are bound to encCtx.
//
// A stanza of another backend, or of a key in another region than this
// key's requests go to, is keyprovider.ErrNotMine: ciphertext from one
// region cannot be decrypted in another, so the caller uses Wrap.
//
// ReEncrypt does not apply to RSA keys, as source (envseal's RSA stanzas
// are wrapped locally) or destination (the wrap is local too): an RSA
// stanza is ErrNotMine, and so is this key once it is known to be an RSA
// key, from this Key's earlier seals or from the ReEncrypt that KMS refused
// for its key usage (one GetPublicKey then says; Wrap uses the answer).
func (k *Key) Rewrap(ctx context.Context, from *keyprovider.Stanza, encCtx map[string]string) (*keyprovider.Stanza, error) {
	src, ok := parseKeyARN(from.KeyID)
	if from.Type != StanzaType || !ok || src.region != k.client.region {
		return nil, keyprovider.ErrNotMine
	}
	if kind, _ := k.known(); kind == kindRSA {
		return nil, keyprovider.ErrNotMine
	}
	s, err := k.reEncrypt(ctx, from, encCtx)
	if err != nil && errors.Is(err, ErrKeyUsage) {
		_, rerr := k.learnRSA(ctx, err)
		if rerr == nil {
			return nil, fmt.Errorf("%s is an RSA key: %w", k.uri.KeyID, keyprovider.ErrNotMine)
		}
		return nil, rerr
	}
	return s, err
}

func (k *Key) reEncrypt(ctx context.Context, from *keyprovider.Stanza, encCtx map[string]string) (*keyprovider.Stanza, error) {
	if len(from.Body) == 0 || len(from.Body) > maxCiphertextBlob {
		return nil, &Error{Op: opRewrap, Key: from.KeyID, Kind: ErrInvalidCiphertext,
			Err: fmt.Errorf("ciphertext blob is %d bytes, want 1 to %d", len(from.Body), maxCiphertextBlob)}
	}
	kctx := kmsContext(encCtx)
	out, err := k.client.api.ReEncrypt(ctx, &kms.ReEncryptInput{
		CiphertextBlob:               from.Body,
		SourceKeyId:                  &from.KeyID,
		SourceEncryptionContext:      kctx,
		DestinationKeyId:             &k.uri.KeyID,
		DestinationEncryptionContext: kctx,
	})
	if err != nil {
		return nil, wrapErr(opRewrap, k.uri.KeyID, err)
	}
	return k.reencrypted(out, from.KeyID)
}

// reencrypted checks a ReEncrypt answer the way Wrap checks Encrypt's: the
// new stanza must name a key ARN and hold a blob of a plausible size, and
// KMS must have decrypted with the key the source stanza names.
func (k *Key) reencrypted(out *kms.ReEncryptOutput, source string) (*keyprovider.Stanza, error) {
	arn := deref(out.KeyId)
	_, ok := parseKeyARN(arn)
	if !ok || len(out.CiphertextBlob) == 0 || len(out.CiphertextBlob) > maxCiphertextBlob {
		return nil, &Error{Op: opRewrap, Key: k.uri.KeyID, Kind: ErrBadResponse}
	}
	if got := deref(out.SourceKeyId); got != "" && got != source {
		return nil, &Error{Op: opRewrap, Key: k.uri.KeyID, Kind: ErrBadResponse,
			Err: fmt.Errorf("KMS decrypted with key %q, not %q", clean(got), source)}
	}
	k.learnARN(arn)
	return &keyprovider.Stanza{Type: StanzaType, KeyID: arn, Body: out.CiphertextBlob}, nil
}
