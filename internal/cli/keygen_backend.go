package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// keygenBackend makes a key inside the backend named by --key (an AWS KMS
// key behind a new alias, a key object on a PKCS#11 token) and prints
// what the backend returns for it. The key never leaves the backend, so
// -o does not apply.
func keygenBackend(ctx context.Context, opts *KeygenOptions) error {
	if opts.Output != "" {
		return usageErrorf("drop -o: a "+keyprovider.Printable(opts.Key)+" key stays in its backend", "-o does not apply with --key")
	}
	scheme, _, err := keyprovider.Scheme(opts.Key)
	if err != nil {
		return err
	}
	if b, ok := keyprovider.Lookup(scheme); ok && b.Files != nil {
		return usageErrorf("envseal keygen -o FILE", "local keys are made with -o FILE, not --key")
	}
	out, err := keyprovider.Keygen(ctx, opts.Key, opts.request(), providerOptions(opts.IO))
	var ue *keyprovider.UsageError
	if errors.As(err, &ue) {
		return &UsageError{Err: ue.Err, Hint: ue.Hint}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, out)
	return nil
}

// request returns the flags that describe the new key, those given only.
func (opts *KeygenOptions) request() keyprovider.KeygenRequest {
	req := keyprovider.KeygenRequest{}
	for name, v := range map[string]string{"type": opts.Type, "spec": opts.Spec,
		"usage": opts.Usage, "description": opts.Description} {
		if v != "" {
			req[name] = v
		}
	}
	return req
}
