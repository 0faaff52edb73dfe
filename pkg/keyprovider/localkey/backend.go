package localkey

import (
	"context"
	"errors"

	"github.com/envseal/envseal/pkg/keyprovider"
)

func init() {
	types := keyprovider.Strings(KeyTypes())
	keyprovider.Register(keyprovider.Backend{
		Scheme: "file",
		Open: func(_ context.Context, uri string, opts *keyprovider.Options) (keyprovider.Key, error) {
			path, err := PathFromURI(uri)
			if err != nil {
				return nil, err
			}
			return Open(path, opts)
		},
		Example: "file:key.pem",
		Files: &keyprovider.FileKeys{
			Signing:  signing,
			Generate: generate,
		},
		Hint: hint,
		Complete: keyprovider.Completion{
			Prefixes: []string{"file:"},
			Paths:    true,
			Values:   map[string][]string{"type": types},
		},
	})
}

func signing(typ string) (bool, error) {
	t, err := ParseKeyType(typ)
	return t.Signing(), err
}

// generate makes a key-encryption key file, or a private key file for a
// signing type.
func generate(path, typ string, force bool) (keyprovider.Key, error) {
	t, err := ParseKeyType(typ)
	if err != nil {
		return nil, err
	}
	if t.Signing() {
		return GenerateSigningKey(path, t, force)
	}
	return Generate(path, force)
}

// hint explains this package's errors.
func hint(err error) string {
	switch {
	case errors.Is(err, ErrUnwrap):
		return "the wrapped data key was modified: the file is corrupted or was tampered with"
	case errors.Is(err, ErrKeyFile):
		return "envseal key files are made by: envseal keygen -o FILE"
	case errors.Is(err, ErrNoKeyFile):
		return "check the path; a new key file is made by: envseal keygen -o FILE"
	}
	return ""
}
