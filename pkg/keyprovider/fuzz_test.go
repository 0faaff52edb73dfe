package keyprovider_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// FuzzScheme: the scheme split never panics, a bare path is never taken
// for a scheme, and scheme + ":" + rest gives the URI back.
func FuzzScheme(f *testing.F) {
	for _, s := range []string{"file:k.key", "awskms:///alias/Demo", "pkcs11:token=T;object=k",
		"k.key", ":x", "C:\\keys\\k", "FILE:k", "a+b.c-d:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		scheme, rest, err := keyprovider.Scheme(uri)
		if err != nil {
			if !errors.Is(err, keyprovider.ErrBadURI) {
				t.Fatalf("%q: error %v does not match ErrBadURI", uri, err)
			}
			return
		}
		if scheme == "" || strings.ToLower(scheme) != scheme || scheme+":"+rest != uri {
			t.Fatalf("%q split as %q, %q", uri, scheme, rest)
		}
	})
}
