package awskms

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Discovery unwraps any awskms stanza the caller's credentials can
// decrypt, or, with an allow list, only stanzas of the listed key ARNs.
// It is what `open --discovery [--allow-key ARN]` uses; without it a file
// is opened only with keys the user names.
//
// Each Decrypt is still pinned to the stanza's key ARN and sent to that
// key's region, so the stanza, not KMS, decides which key is tried; for a
// multi-Region key, the fallback regions the user set may answer instead,
// with the key's replica there.
type Discovery struct {
	client *Client
	allow  map[string]bool // empty: any key
}

var _ keyprovider.Unwrapper = (*Discovery)(nil)

// NewDiscovery configures a discovery unwrapper. allowARNs must be key
// ARNs (aliases would need resolving in every region a file might name).
// The endpoint comes from the SDK chain (AWS_ENDPOINT_URL_KMS).
func NewDiscovery(ctx context.Context, opts *keyprovider.Options, allowARNs []string, optFns ...func(*kms.Options)) (*Discovery, error) {
	allow := map[string]bool{}
	for _, a := range allowARNs {
		if !isKeyARN(a) {
			return nil, fmt.Errorf("allowed key %q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID): %w",
				clean(a), ErrInvalidArgument)
		}
		allow[a] = true
	}
	c, err := NewClient(ctx, nil, opts, optFns...)
	if err != nil {
		return nil, err
	}
	return &Discovery{client: c, allow: allow}, nil
}

// Unwrap decrypts any awskms stanza, symmetric or RSA, allowed by the list.
func (d *Discovery) Unwrap(ctx context.Context, s *keyprovider.Stanza, encCtx map[string]string) ([]byte, error) {
	if (s.Type != StanzaType && s.Type != RSAStanzaType) || (len(d.allow) > 0 && !d.allow[s.KeyID]) {
		return nil, keyprovider.ErrNotMine
	}
	if !isKeyARN(s.KeyID) {
		return nil, &Error{Op: "decrypt data key", Kind: ErrInvalidCiphertext,
			Err: errors.New("stanza key id is not a KMS key ARN")}
	}
	return d.client.unwrapAs(ctx, s, s.KeyID, encCtx)
}
