package awskms

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Unwrap decrypts a stanza made for this key, with KeyId pinned to the
// stanza's key ARN and the header's context. Stanzas of other backends and
// of other KMS keys are answered with keyprovider.ErrNotMine without a
// KMS call.
//
// An RSA stanza (RSAStanzaType) is decrypted with EncryptionAlgorithm
// RSAES_OAEP_SHA_256 and without encCtx, which KMS does not take for RSA
// keys: the header MAC binds it.
func (k *Key) Unwrap(ctx context.Context, s *keyprovider.Stanza, encCtx map[string]string) ([]byte, error) {
	if s.Type != StanzaType && s.Type != RSAStanzaType {
		return nil, keyprovider.ErrNotMine
	}
	mine, err := k.owns(ctx, s.KeyID)
	if err != nil {
		return nil, err
	}
	if !mine {
		return nil, keyprovider.ErrNotMine
	}
	if s.Type == RSAStanzaType {
		return k.client.unwrapRSA(ctx, s)
	}
	return k.client.unwrapStanza(ctx, s, encCtx)
}

// owns reports whether a stanza's key ARN is this key. A key ARN in the
// URI is compared directly. A bare key id or an alias is resolved once
// (DescribeKey, in the configured region and account) and the full ARNs
// are compared: a key id alone would match a stanza for the same id in
// any account or region, and Decrypt, which goes to the stanza's ARN,
// would then let the file choose where the caller's credentials are used.
func (k *Key) owns(ctx context.Context, stanzaARN string) (bool, error) {
	a, ok := parseKeyARN(stanzaARN)
	switch {
	case !ok:
		return false, nil // not an ARN this backend writes
	case k.uri.arn.isKey():
		return stanzaARN == k.uri.KeyID, nil
	case validKeyID(k.uri.KeyID) && a.keyID() != k.uri.KeyID:
		return false, nil // another key: no need to ask KMS
	}
	arn, err := k.ARN(ctx)
	if err != nil {
		return false, err
	}
	return arn == stanzaARN, nil
}

// unwrapStanza decrypts s.Body pinned to s.KeyID and checks that it holds
// a data key of the right size.
func (c *Client) unwrapStanza(ctx context.Context, s *keyprovider.Stanza, encCtx map[string]string) ([]byte, error) {
	return dataKeyOf(c.DecryptBlob(ctx, s.Body, encCtx, s.KeyID))
}

// dataKeyOf returns the plaintext of a Decrypt that must be a data key,
// cleared and refused if it has another size: KMS decrypts any blob of
// the key's, and a file could hold one that is not a data key.
func dataKeyOf(dk *DataKey, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if len(dk.Plaintext) != keyprovider.DataKeySize {
		n := len(dk.Plaintext)
		dk.Clear()
		return nil, &Error{Op: "decrypt data key", Key: dk.KeyID, Kind: ErrBadResponse,
			Err: fmt.Errorf("data key is %d bytes, want %d", n, keyprovider.DataKeySize)}
	}
	return dk.Plaintext, nil
}
