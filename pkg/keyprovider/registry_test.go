package keyprovider_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	_ "github.com/envseal/envseal/pkg/keyprovider/localkey"
)

func TestScheme(t *testing.T) {
	tests := []struct {
		uri, scheme, rest string
		ok                bool
	}{
		{"file:k.pem", "file", "k.pem", true},
		{"awskms:///alias/Demo", "awskms", "///alias/Demo", true},
		{"pkcs11:token=a;object=b", "pkcs11", "token=a;object=b", true},
		{"k.pem", "", "", false},
		{":x", "", "", false},
		{"FILE:k", "", "", false},
		{"fi le:k", "", "", false},
	}
	for _, tt := range tests {
		s, r, err := keyprovider.Scheme(tt.uri)
		if (err == nil) != tt.ok || s != tt.scheme || r != tt.rest {
			t.Errorf("Scheme(%q) = %q, %q, %v", tt.uri, s, r, err)
		}
		if err != nil && !errors.Is(err, keyprovider.ErrBadURI) {
			t.Errorf("Scheme(%q): error does not wrap ErrBadURI", tt.uri)
		}
	}
}

// A pkcs11 URI with a mistyped scheme still carries its pin-value: the
// error must not repeat it.
func TestSchemeErrorHidesQuery(t *testing.T) {
	for _, uri := range []string{
		"Pkcs11:token=T;object=k?pin-value=SECRET123",
		"PKCS11:token=T?pin-value=SECRET123",
		"pkcs11?pin-value=SECRET123:token=T",
		"token=T;object=k?pin-value=SECRET123",
	} {
		_, err := keyprovider.Open(context.Background(), uri, nil)
		if err == nil || strings.Contains(err.Error(), "SECRET123") {
			t.Errorf("Open(%q): err = %v", uri, err)
		}
	}
}

func TestOpenUnknownSchemeListsKnownOnes(t *testing.T) {
	_, err := keyprovider.Open(context.Background(), "gopher:x", nil)
	if !errors.Is(err, keyprovider.ErrBadURI) || !strings.Contains(err.Error(), "file") {
		t.Fatalf("err = %v", err)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering a scheme twice did not panic")
		}
	}()
	keyprovider.Register(keyprovider.Backend{Scheme: "file", Open: func(context.Context, string, *keyprovider.Options) (keyprovider.Key, error) { return nil, nil }})
}
