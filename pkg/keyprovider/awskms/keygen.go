package awskms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// keyUsages lists the key specs keygen offers and the usages KMS allows
// for each; the first is the default. Checking here gives a clear error
// before any request, instead of a ValidationException after one.
var keyUsages = map[string][]string{
	"SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT"},
	"RSA_2048":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"RSA_3072":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"RSA_4096":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"ECC_NIST_P256":     {"SIGN_VERIFY"},
	"ECC_NIST_P384":     {"SIGN_VERIFY"},
}

// checkKeySpec validates spec and usage, filling in defaults for empty ones.
func checkKeySpec(spec, usage string) (string, string, error) {
	if spec == "" {
		spec = "SYMMETRIC_DEFAULT"
	}
	usages, ok := keyUsages[spec]
	if !ok {
		return "", "", fmt.Errorf("key spec %q is not one of SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, "+
			"RSA_4096, ECC_NIST_P256, ECC_NIST_P384", clean(spec))
	}
	if usage == "" {
		return spec, usages[0], nil
	}
	for _, u := range usages {
		if u == usage {
			return spec, usage, nil
		}
	}
	return "", "", fmt.Errorf("key spec %s allows usage %s, not %q", spec, strings.Join(usages, " or "), clean(usage))
}

// CreateKey creates a customer managed key and returns its ARN. Empty spec
// and usage default to SYMMETRIC_DEFAULT and the spec's first usage.
func (c *Client) CreateKey(ctx context.Context, spec, usage, description string) (string, error) {
	const op = "create key"
	spec, usage, err := checkKeySpec(spec, usage)
	if err != nil {
		return "", &Error{Op: op, Kind: ErrInvalidArgument, Err: err}
	}
	route, err := c.callOpts(op, "")
	if err != nil {
		return "", err
	}
	in := &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageType(usage)}
	if description != "" {
		in.Description = &description
	}
	out, err := c.api.CreateKey(ctx, in, route...)
	if err != nil {
		return "", wrapErr(op, "", err)
	}
	if out.KeyMetadata == nil || !isKeyARN(deref(out.KeyMetadata.Arn)) {
		return "", &Error{Op: op, Kind: ErrBadResponse}
	}
	return *out.KeyMetadata.Arn, nil
}

// CreateAlias points a new alias (alias/NAME) at targetKeyID. An existing
// alias is an *Error of kind ErrAliasExists: KMS never moves an alias on
// CreateAlias, and neither does envseal.
func (c *Client) CreateAlias(ctx context.Context, alias, targetKeyID string) error {
	const op = "create alias"
	if !validAlias(alias) || strings.HasPrefix(alias, "alias/aws/") {
		return &Error{Op: op, Key: alias, Kind: ErrInvalidArgument,
			Err: errors.New("want alias/NAME of A-Z a-z 0-9 / _ -, not starting with alias/aws/ (reserved)")}
	}
	route, err := c.callOpts(op, targetKeyID)
	if err != nil {
		return err
	}
	_, err = c.api.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias, TargetKeyId: &targetKeyID}, route...)
	if err != nil {
		return wrapErr(op, alias, err)
	}
	return nil
}
