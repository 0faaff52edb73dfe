package awskms

import (
	"context"
	"errors"
	"fmt"
)

// Create makes the key this alias URI names, for `envseal keygen`: it
// checks that the alias is free, creates the key (CreateKey), and points
// the alias at it (CreateAlias). It returns the new key's ARN.
//
// Arguments are checked before any request, and the alias before the key so that the common mistake, an alias that is
// taken, does not leave a new key behind (KMS bills for it and it can only
// be scheduled for deletion). If CreateAlias still fails, the error names
// the new key so the operator can remove it.
func (k *Key) Create(ctx context.Context, spec, usage, description string) (string, error) {
	alias := k.uri.AliasName()
	if alias == "" {
		return "", &Error{Op: "create key", Key: k.uri.KeyID, Kind: ErrInvalidArgument,
			Err: errors.New("keygen needs an alias URI such as awskms:///alias/NAME")}
	}
	if _, _, err := checkKeySpec(spec, usage); err != nil {
		return "", &Error{Op: "create key", Kind: ErrInvalidArgument, Err: err}
	}
	if err := k.checkAliasFree(ctx, alias); err != nil {
		return "", err
	}
	arn, err := k.client.CreateKey(ctx, spec, usage, description)
	if err != nil {
		return "", err
	}
	if err := k.client.CreateAlias(ctx, alias, arn); err != nil {
		return arn, fmt.Errorf("%w (key %s was created without the alias; "+
			"aws kms schedule-key-deletion removes it)", err, arn)
	}
	k.learnARN(arn)
	return arn, nil
}

// checkAliasFree returns an ErrAliasExists error naming the key the alias
// points to, nil when DescribeKey says it does not exist, or the failure.
func (k *Key) checkAliasFree(ctx context.Context, alias string) error {
	arn, err := k.client.DescribeKey(ctx, k.uri.KeyID)
	switch {
	case err == nil:
		return &Error{Op: "create alias", Key: alias, Kind: ErrAliasExists, Err: fmt.Errorf("it points to %s", arn)}
	case errors.Is(err, ErrKeyNotFound):
		return nil
	default:
		return err
	}
}
