package age

import (
	"context"
	"errors"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

func init() {
	keyprovider.Register(keyprovider.Backend{
		Scheme:  "age",
		Aliases: []string{"ssh"},
		Open:    open,
		Bare:    IsRecipient,
		Public:  public,
		Example: "age:key.txt",
		Files: &keyprovider.FileKeys{
			Types:    keyTypes,
			Signing:  signing,
			Generate: generate,
		},
		Hint: hint,
		Complete: keyprovider.Completion{
			Prefixes: []string{"age:", "ssh:"},
			Paths:    true,
			Values:   map[string][]string{"type": keyTypes},
		},
	})
}

// open opens age:PATH, ssh:PATH, or a bare recipient string.
func open(_ context.Context, uri string, opts *keyprovider.Options) (keyprovider.Key, error) {
	if IsRecipient(uri) {
		rc, err := ParseRecipient(uri, opts)
		if err != nil {
			// A --key value that is no key at all is a usage error.
			return nil, tag(err, keyprovider.ErrBadURI)
		}
		return &recipientKey{uri: uri, rc: rc}, nil
	}
	scheme, path, _ := strings.Cut(uri, ":")
	if path == "" {
		return nil, &uriError{scheme: scheme}
	}
	return openFile(uri, scheme, path, opts)
}

// public makes a sealing key from a recipient line of a public key file.
func public(pk *keyprovider.PublicKey, opts *keyprovider.Options) (keyprovider.Key, error) {
	if pk.Line == "" {
		return nil, tag(errors.New("age public key entry has no recipient line"), keyprovider.ErrPublicFile)
	}
	rc, err := ParseRecipient(pk.Line, opts)
	if err != nil {
		return nil, tag(err, keyprovider.ErrPublicFile)
	}
	return &recipientKey{uri: rc.String(), rc: rc}, nil
}

type uriError struct{ scheme string }

func (e *uriError) Error() string {
	return e.scheme + ": key needs a file name (" + e.scheme + ":FILE)"
}

func (e *uriError) Unwrap() error { return keyprovider.ErrBadURI }
