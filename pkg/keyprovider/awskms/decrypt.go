package awskms

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// DecryptBlob decrypts a raw CiphertextBlob bound to encCtx, as
// `aws kms decrypt` does. keyID, when not empty, pins the key KMS must use
// (an alias, key id or ARN); "" lets KMS use the key recorded in a
// symmetric blob.
func (c *Client) DecryptBlob(ctx context.Context, blob []byte, encCtx map[string]string, keyID string) (*DataKey, error) {
	const op = "decrypt data key"
	if len(blob) == 0 || len(blob) > maxCiphertextBlob {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrInvalidCiphertext,
			Err: fmt.Errorf("ciphertext blob is %d bytes, want 1 to %d", len(blob), maxCiphertextBlob)}
	}
	route, err := c.callOpts(op, keyID)
	if err != nil {
		return nil, err
	}
	in := &kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: kmsContext(encCtx)}
	if keyID != "" {
		in.KeyId = &keyID
	}
	out, err := c.api.Decrypt(ctx, in, route...)
	if err != nil {
		return nil, wrapErr(op, keyID, err)
	}
	dk := &DataKey{Plaintext: out.Plaintext, KeyID: deref(out.KeyId)}
	if _, ok := parseKeyARN(dk.KeyID); !ok || (isKeyARN(keyID) && dk.KeyID != keyID) {
		dk.Clear()
		return nil, &Error{Op: op, Key: keyID, Kind: ErrBadResponse,
			Err: fmt.Errorf("KMS reported key %q", clean(dk.KeyID))}
	}
	return dk, nil
}

func isKeyARN(s string) bool {
	_, ok := parseKeyARN(s)
	return ok
}
