package awskms

import (
	"context"
	"errors"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// The settings this backend declares: the command line's global --region
// and --profile flags (and --kms-fallback-regions, in mrk.go).
const (
	SettingRegion  = "region"
	SettingProfile = "profile"
)

// specValues and keyUsages are what keygen --spec and --usage accept, for
// shell completion (checkKeySpec is the authority).
var (
	specValues  = []string{"SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384"}
	usageValues = []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}
)

func init() {
	keyprovider.Register(keyprovider.Backend{
		Scheme: Scheme,
		Open: func(ctx context.Context, uri string, opts *keyprovider.Options) (keyprovider.Key, error) {
			return Open(ctx, uri, opts)
		},
		Public: func(pk *keyprovider.PublicKey, _ *keyprovider.Options) (keyprovider.Key, error) {
			return NewPublicRecipient(pk)
		},
		Example: "awskms:///alias/NAME",
		Keygen:  keygen,
		Settings: []keyprovider.Setting{
			{Name: SettingRegion, Usage: "AWS region for KMS keys (default: the AWS SDK chain, e.g. $AWS_REGION)"},
			{Name: SettingProfile, Usage: "AWS profile for KMS keys (default: $AWS_PROFILE)"},
			{Name: SettingFallbackRegions, Usage: "when a multi-Region key's region fails, open with its replica in these `REGIONS` (comma-separated, in order; default: $" + EnvFallbackRegions + ")"},
		},
		Complete: keyprovider.Completion{
			Prefixes: []string{"awskms:///alias/"},
			Values:   map[string][]string{"spec": specValues, "usage": usageValues},
		},
		Discover: func(ctx context.Context, opts *keyprovider.Options, allow []string) (keyprovider.Unwrapper, error) {
			return NewDiscovery(ctx, opts, allow)
		},
		RewrapFallback: rewrapFallback,
	})
}

// keygen is CreateKey + CreateAlias; it returns the new key's ARN.
func keygen(ctx context.Context, uri string, req keyprovider.KeygenRequest, opts *keyprovider.Options) (string, error) {
	if req["type"] != "" {
		return "", &keyprovider.UsageError{Err: errors.New("--type does not apply to AWS KMS keys"),
			Hint: "use --spec and --usage for AWS KMS keys"}
	}
	k, err := Open(ctx, uri, opts)
	if err != nil {
		return "", err
	}
	return k.Create(ctx, req["spec"], req["usage"], req["description"])
}

// rewrapFallback: what seal could do, rewrap must not refuse, so two
// ReEncrypt failures fall back to Encrypt: access denied (a policy with
// kms:Encrypt but not kms:ReEncrypt*), and key not found (the old key is
// unknown where the new one lives: another account or endpoint).
func rewrapFallback(err error) string {
	if errors.Is(err, ErrAccessDenied) || errors.Is(err, ErrKeyNotFound) {
		return fmt.Sprintf("%v; wrapping with kms:Encrypt instead", err)
	}
	return ""
}
