package awskms

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// DataKey is a data key as KMS returns it. The JSON names are those of
// `aws kms generate-data-key` output; []byte fields encode as base64.
type DataKey struct {
	CiphertextBlob []byte `json:",omitempty"`
	Plaintext      []byte
	KeyID          string `json:"KeyId"` // ARN of the key that wrapped it
}

// Clear overwrites the plaintext key.
func (d *DataKey) Clear() { clear(d.Plaintext) }

// dataKeySizes are the specs envseal offers and their key sizes.
var dataKeySizes = map[string]int{"AES_256": 32, "AES_128": 16}

// GenerateDataKey asks KMS for a new data key of spec AES_256 or AES_128
// under keyID, bound to encCtx, as `aws kms generate-data-key` does.
func (c *Client) GenerateDataKey(ctx context.Context, keyID, spec string, encCtx map[string]string) (*DataKey, error) {
	const op = "generate data key"
	size, ok := dataKeySizes[spec]
	if !ok {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrInvalidArgument,
			Err: fmt.Errorf("data key spec %q is not AES_256 or AES_128", clean(spec))}
	}
	route, err := c.callOpts(op, keyID)
	if err != nil {
		return nil, err
	}
	out, err := c.api.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId:             &keyID,
		KeySpec:           types.DataKeySpec(spec),
		EncryptionContext: kmsContext(encCtx),
	}, route...)
	if err != nil {
		return nil, wrapErr(op, keyID, err)
	}
	dk := &DataKey{CiphertextBlob: out.CiphertextBlob, Plaintext: out.Plaintext, KeyID: deref(out.KeyId)}
	if err := checkDataKey(dk, size); err != nil {
		dk.Clear()
		return nil, &Error{Op: op, Key: keyID, Kind: ErrBadResponse, Err: err}
	}
	return dk, nil
}

// checkDataKey rejects a response that cannot be what was asked for, so a
// broken or hostile endpoint cannot hand out a short key.
func checkDataKey(dk *DataKey, size int) error {
	if len(dk.Plaintext) != size {
		return fmt.Errorf("plaintext key is %d bytes, want %d", len(dk.Plaintext), size)
	}
	if len(dk.CiphertextBlob) == 0 || len(dk.CiphertextBlob) > maxCiphertextBlob {
		return fmt.Errorf("ciphertext blob is %d bytes", len(dk.CiphertextBlob))
	}
	if _, ok := parseKeyARN(dk.KeyID); !ok {
		return fmt.Errorf("key ARN %q is malformed", clean(dk.KeyID))
	}
	return nil
}

// maxCiphertextBlob is KMS's limit on a CiphertextBlob.
const maxCiphertextBlob = 6144

// kmsContext passes an empty context as none: KMS treats them alike, and
// requests then look like the aws CLI's.
func kmsContext(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
