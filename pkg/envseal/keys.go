package envseal

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Key opens the key named by uri with the backend registered for its
// scheme. Opening is cheap: a remote key is contacted only when it wraps or
// unwraps. Type-assert the result to keyprovider.Wrapper to seal for it and
// to keyprovider.Unwrapper to open with it, or use Recipient and Identity.
//
// Key uses default options: backend settings (an AWS region or profile)
// come from the environment as the backend reads it, there is no prompt
// for a PIN, and warnings (a key file readable by others) are discarded.
// Call keyprovider.Open with a keyprovider.Options to set them.
func Key(ctx context.Context, uri string) (keyprovider.Key, error) {
	return keyprovider.Open(ctx, uri, nil)
}

// Recipient opens uri as a key that can seal.
func Recipient(ctx context.Context, uri string) (keyprovider.Wrapper, error) {
	k, err := Key(ctx, uri)
	if err != nil {
		return nil, err
	}
	w, ok := k.(keyprovider.Wrapper)
	if !ok {
		return nil, fmt.Errorf("key %s cannot seal: %w", k.URI(), keyprovider.ErrUnsupported)
	}
	return w, nil
}

// Identity opens uri as a key that can open.
func Identity(ctx context.Context, uri string) (keyprovider.Unwrapper, error) {
	k, err := Key(ctx, uri)
	if err != nil {
		return nil, err
	}
	u, ok := k.(keyprovider.Unwrapper)
	if !ok {
		return nil, fmt.Errorf("key %s cannot open: %w", k.URI(), keyprovider.ErrUnsupported)
	}
	return u, nil
}
