package keyprovider

import (
	"context"
	"fmt"
	"strings"
)

// KeygenFunc creates the key named by uri inside its backend and returns
// what envseal keygen prints on standard output for it: the key's ARN, or
// its canonical URI. The key material never leaves the backend.
type KeygenFunc func(ctx context.Context, uri string, req KeygenRequest, opts *Options) (string, error)

// KeygenRequest holds envseal keygen's flags that describe the new key,
// by flag name ("type", "spec", "usage", "description"), only those the
// user gave. A backend rejects the ones that do not apply with a
// UsageError, so that a flag is never silently ignored.
type KeygenRequest map[string]string

// Keygen creates a key with the backend of uri's scheme. It returns a
// *UsageError for a scheme whose keys keygen cannot make.
func Keygen(ctx context.Context, uri string, req KeygenRequest, opts *Options) (string, error) {
	scheme, _, err := Scheme(uri)
	if err != nil {
		return "", err
	}
	b, ok := Lookup(scheme)
	if !ok || b.Keygen == nil {
		return "", &UsageError{
			Err:  fmt.Errorf("cannot make %s keys", scheme),
			Hint: "keygen makes " + keygenSchemes() + " keys, or files with -o",
		}
	}
	if opts == nil {
		opts = &Options{}
	}
	return b.Keygen(ctx, uri, req, opts)
}

// keygenSchemes lists the schemes keygen --key can make, as prose:
// "awskms: and pkcs11:".
func keygenSchemes() string {
	var names []string
	for _, b := range Backends() {
		if b.Keygen != nil {
			names = append(names, b.Scheme+":")
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
