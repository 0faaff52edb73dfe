package cli

import (
	"context"
	"crypto"
	"fmt"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// hintSigningKey is the next step when a key cannot sign.
const hintSigningKey = "signing keys are made by: envseal keygen --type ed25519 -o KEY.pem " +
	"(or ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096)"

// openSigner opens the key named by uri and returns its crypto.Signer,
// checking up front that envseal has a signature scheme for it.
func openSigner(ctx context.Context, ios *IOStreams, uri string) (crypto.Signer, error) {
	k, err := keyprovider.Open(ctx, uri, providerOptions(ios))
	if err != nil {
		return nil, err
	}
	sk, ok := k.(keyprovider.Signer)
	if !ok {
		return nil, withHint(fmt.Errorf("key %s cannot sign: %w", k.URI(), keyprovider.ErrUnsupported), hintSigningKey)
	}
	s, err := sk.Signer(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := sign.SchemeFor(s.Public()); err != nil {
		return nil, withHint(fmt.Errorf("key %s: %w", k.URI(), err), hintSigningKey)
	}
	return s, nil
}
