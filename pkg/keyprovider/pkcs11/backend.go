package pkcs11

import (
	"context"
	"errors"

	"github.com/envseal/envseal/pkg/keyprovider"
)

func init() {
	types := keyprovider.Strings(KeyTypes())
	keyprovider.Register(keyprovider.Backend{
		Scheme:  "pkcs11",
		Open:    open,
		Public:  publicKey,
		Example: "pkcs11:token=T;object=NAME",
		Keygen:  keygen,
		Hint:    Hint,
		Close:   CloseAll,
		// The PIN; a URI's pin-value is caught by exec itself.
		SecretEnv: []string{EnvPIN},
		Complete: keyprovider.Completion{
			Prefixes: []string{"pkcs11:token="},
			Values:   map[string][]string{"type": types},
		},
	})
}

// keygen creates a non-extractable key on the token and returns its
// canonical URI, with the id the token gave it.
func keygen(ctx context.Context, uri string, req keyprovider.KeygenRequest, opts *keyprovider.Options) (string, error) {
	if req["spec"] != "" || req["usage"] != "" || req["description"] != "" {
		return "", &keyprovider.UsageError{Err: errors.New("--spec, --usage and --description are for AWS KMS keys"),
			Hint: "use --type for PKCS#11 keys"}
	}
	typ, err := ParseKeyType(req["type"])
	if err != nil {
		return "", &keyprovider.UsageError{Err: err, Hint: "see: envseal keygen --help"}
	}
	k, err := Generate(ctx, uri, typ, opts)
	if err != nil {
		return "", err
	}
	return k.URI(), nil
}
