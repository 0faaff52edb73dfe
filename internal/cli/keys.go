package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// envKey is the environment variable that supplies --key when none is given.
const envKey = "ENVSEAL_KEY"

// keyURIs returns the --key values, or ENVSEAL_KEY when there are none.
func keyURIs(flags []string) []string {
	if len(flags) > 0 {
		return flags
	}
	if v := strings.TrimSpace(os.Getenv(envKey)); v != "" {
		return []string{v}
	}
	return nil
}

func errNoKey(cmd string) error {
	return usageErrorf("pass --key file:KEY (or awskms:///alias/NAME, pkcs11:...), or set "+envKey,
		"%s needs at least one key", cmd)
}

// providerOptions are the backend settings shared by every command: the
// global flags, warnings on stderr, and a PIN prompt when a terminal exists.
func providerOptions(ios *IOStreams) *keyprovider.Options {
	o := ios.Backend
	o.Warnings = ios.ErrOut
	if hasTerminal(ios) {
		o.Prompt = func(prompt string) ([]byte, error) { return promptSecret(ios, prompt) }
	}
	return &o
}

// openKeys opens every URI with its backend. A URI that names several
// keys (a file of public keys) gives each of them, in order.
func openKeys(ctx context.Context, uris []string, opts *keyprovider.Options) ([]keyprovider.Key, error) {
	keys := make([]keyprovider.Key, 0, len(uris))
	for _, u := range uris {
		k, err := keyprovider.Open(ctx, u, opts)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keyprovider.Expand(keys), nil
}

// openWrappers opens uris as recipients: keys that can seal.
func openWrappers(ctx context.Context, uris []string, opts *keyprovider.Options) ([]keyprovider.Wrapper, error) {
	keys, err := openKeys(ctx, uris, opts)
	if err != nil {
		return nil, err
	}
	return wrappers(keys)
}

// openUnwrappers opens uris as identities: keys that can open files.
func openUnwrappers(ctx context.Context, uris []string, opts *keyprovider.Options) ([]keyprovider.Unwrapper, error) {
	keys, err := openKeys(ctx, uris, opts)
	if err != nil {
		return nil, err
	}
	return unwrappers(keys)
}

func wrappers(keys []keyprovider.Key) ([]keyprovider.Wrapper, error) {
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

func unwrappers(keys []keyprovider.Key) ([]keyprovider.Unwrapper, error) {
	us := make([]keyprovider.Unwrapper, 0, len(keys))
	for _, k := range keys {
		u, ok := k.(keyprovider.Unwrapper)
		if !ok {
			err := fmt.Errorf("key %s cannot open files: %w", k.URI(), keyprovider.ErrUnsupported)
			if _, seals := k.(keyprovider.Wrapper); seals {
				return nil, withHint(err, "it is a public key, which only seals: open with the private key's URI")
			}
			return nil, err
		}
		us = append(us, u)
	}
	return us, nil
}

// parseContext turns repeated --context k=v flags into a map. A key given
// twice with different values is a usage error, not a silent last-wins.
func parseContext(pairs []string) (map[string]string, error) {
	c := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, usageErrorf("write each context pair as --context key=value", "invalid context %q", p)
		}
		if old, dup := c[k]; dup && old != v {
			return nil, usageErrorf("", "context key %q given twice with different values", k)
		}
		c[k] = v
	}
	return c, nil
}
