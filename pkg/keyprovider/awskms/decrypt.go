package awskms

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// rsaAlgorithms are the RSA EncryptionAlgorithms DecryptWith takes.
var rsaAlgorithms = []string{RSAAlgorithm, "RSAES_OAEP_SHA_1"}

// DecryptBlob decrypts a raw CiphertextBlob bound to encCtx, as
// `aws kms decrypt` does. keyID, when not empty, pins the key KMS must use
// (an alias, key id or ARN); "" lets KMS use the key recorded in a
// symmetric blob.
func (c *Client) DecryptBlob(ctx context.Context, blob []byte, encCtx map[string]string, keyID string) (*DataKey, error) {
	return c.DecryptWith(ctx, blob, encCtx, keyID, "")
}

// DecryptWith is DecryptBlob with a KMS EncryptionAlgorithm: "" or
// SYMMETRIC_DEFAULT for a symmetric blob, RSAES_OAEP_SHA_256 (or
// RSAES_OAEP_SHA_1) for an RSA ciphertext, which needs keyID and takes no
// encCtx, as `aws kms decrypt --encryption-algorithm` does.
func (c *Client) DecryptWith(ctx context.Context, blob []byte, encCtx map[string]string, keyID, alg string) (*DataKey, error) {
	const op = "decrypt data key"
	if alg != "" && alg != string(types.EncryptionAlgorithmSpecSymmetricDefault) {
		if !slices.Contains(rsaAlgorithms, alg) {
			return nil, &Error{Op: op, Key: keyID, Kind: ErrInvalidArgument,
				Err: fmt.Errorf("encryption algorithm %q is not SYMMETRIC_DEFAULT, %s", clean(alg), strings.Join(rsaAlgorithms, " or "))}
		}
		if keyID == "" || len(encCtx) > 0 {
			return nil, &Error{Op: op, Kind: ErrInvalidArgument,
				Err: fmt.Errorf("%s needs the key (KMS records none in an RSA ciphertext) and takes no encryption context", alg)}
		}
	}
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
	if alg != "" {
		in.EncryptionAlgorithm = types.EncryptionAlgorithmSpec(alg)
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
