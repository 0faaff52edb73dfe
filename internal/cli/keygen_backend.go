package cli

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// keygenBackend makes a key inside a backend named by --key: an AWS KMS
// key behind a new alias, or a key object on a PKCS#11 token. The key
// never leaves the backend, so -o does not apply.
func keygenBackend(ctx context.Context, opts *KeygenOptions) error {
	if opts.Output != "" {
		return usageErrorf("drop -o: a "+opts.Key+" key stays in its backend", "-o does not apply with --key")
	}
	scheme, _, err := keyprovider.Scheme(opts.Key)
	if err != nil {
		return err
	}
	switch scheme {
	case awskms.Scheme:
		return keygenKMS(ctx, opts)
	case "pkcs11":
		return keygenPKCS11(ctx, opts)
	case "file":
		return usageErrorf("envseal keygen -o FILE", "local keys are made with -o FILE, not --key")
	}
	return usageErrorf("keygen makes awskms: and pkcs11: keys, or files with -o", "cannot make %s keys", scheme)
}

// keygenKMS is CreateKey + CreateAlias; the new key's ARN goes to stdout.
func keygenKMS(ctx context.Context, opts *KeygenOptions) error {
	if opts.Type != "" {
		return usageErrorf("use --spec and --usage for AWS KMS keys", "--type does not apply to AWS KMS keys")
	}
	k, err := awskms.Open(ctx, opts.Key, providerOptions(opts.IO))
	if err != nil {
		return err
	}
	arn, err := k.Create(ctx, opts.Spec, opts.Usage, opts.Description)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, arn)
	return nil
}

// keygenPKCS11 creates a non-extractable key on the token; its canonical
// URI (with the id the token gave it) goes to stdout.
func keygenPKCS11(ctx context.Context, opts *KeygenOptions) error {
	if opts.Spec != "" || opts.Usage != "" || opts.Description != "" {
		return usageErrorf("use --type for PKCS#11 keys", "--spec, --usage and --description are for AWS KMS keys")
	}
	typ, err := pkcs11.ParseKeyType(opts.Type)
	if err != nil {
		return &UsageError{Err: err, Hint: "see: envseal keygen --help"}
	}
	k, err := pkcs11.Generate(ctx, opts.Key, typ, providerOptions(opts.IO))
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, k.URI())
	return nil
}
