package awskms

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// DescribeKey returns the ARN of the key keyID names (an alias, key id or
// ARN). It is how an alias is resolved to the key it points to now.
func (c *Client) DescribeKey(ctx context.Context, keyID string) (string, error) {
	route, err := c.callOpts("describe key", keyID)
	if err != nil {
		return "", err
	}
	out, err := c.api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &keyID}, route...)
	if err != nil {
		return "", wrapErr("describe key", keyID, err)
	}
	return describedARN(out, keyID)
}

// describedARN checks DescribeKey's answer and returns the key ARN in it.
func describedARN(out *kms.DescribeKeyOutput, keyID string) (string, error) {
	if out.KeyMetadata == nil || out.KeyMetadata.Arn == nil {
		return "", &Error{Op: "describe key", Key: keyID, Kind: ErrBadResponse}
	}
	arn := *out.KeyMetadata.Arn
	if _, ok := parseKeyARN(arn); !ok {
		return "", &Error{Op: "describe key", Key: keyID, Kind: ErrBadResponse,
			Err: fmt.Errorf("key ARN %q is malformed", clean(arn))}
	}
	return arn, nil
}

// describeIn is DescribeKey sent to region, whatever keyID or the client
// say: how an alias is resolved in a fallback region.
func (c *Client) describeIn(ctx context.Context, keyID, region string) (string, error) {
	out, err := c.api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &keyID},
		func(o *kms.Options) { o.Region = region })
	if err != nil {
		return "", wrapErr("describe key", keyID, err)
	}
	return describedARN(out, keyID)
}
