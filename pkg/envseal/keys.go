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

// Recipient opens uri as a key that can seal. A uri that names several
// keys (a pub: file of many) is an error: use Recipients.
func Recipient(ctx context.Context, uri string) (keyprovider.Wrapper, error) {
	ws, err := Recipients(ctx, uri)
	if err != nil {
		return nil, err
	}
	if len(ws) != 1 {
		return nil, fmt.Errorf("key %s names %d recipients: use Recipients", keyprovider.Printable(uri), len(ws))
	}
	return ws[0], nil
}

// Recipients opens uri as the keys it names, all of which must seal: one
// for most URIs, each entry of a public key file (pub:FILE).
func Recipients(ctx context.Context, uri string) ([]keyprovider.Wrapper, error) {
	k, err := Key(ctx, uri)
	if err != nil {
		return nil, err
	}
	keys := keyprovider.Expand([]keyprovider.Key{k})
	ws := make([]keyprovider.Wrapper, 0, len(keys))
	for _, k := range keys {
		w, ok := k.(keyprovider.Wrapper)
		if !ok {
			return nil, fmt.Errorf("key %s cannot seal: %w", k.URI(), keyprovider.ErrUnsupported)
		}
		ws = append(ws, w)
	}
	return ws, nil
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
