package pubfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

func init() {
	keyprovider.Register(keyprovider.Backend{
		Scheme:  "pub",
		Open:    open,
		Example: "pub:team.pub",
		Hint:    hint,
		Complete: keyprovider.Completion{
			Prefixes: []string{"pub:"},
			Paths:    true,
		},
	})
}

// maxFileSize bounds what is read of a public key file: a few hundred
// recipients, far more than one header holds.
const maxFileSize = 1 << 20

// ErrNoFile is returned (wrapped) when the public key file cannot be read.
var ErrNoFile = errors.New("cannot read public key file")

func open(_ context.Context, uri string, opts *keyprovider.Options) (keyprovider.Key, error) {
	path, ok := strings.CutPrefix(uri, "pub:")
	if !ok || path == "" {
		return nil, fmt.Errorf("pub: key needs a file name (pub:FILE): %w", keyprovider.ErrBadURI)
	}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	entries, err := keyprovider.ParsePublic(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	g := &group{uri: uri}
	for i, pk := range entries {
		k, err := recipient(pk, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", path, i+1, err)
		}
		g.keys = append(g.keys, k)
	}
	if len(g.keys) == 1 {
		return g.keys[0], nil
	}
	return g, nil
}

func readFile(path string) ([]byte, error) {
	// A key pasted in place of the name must not reach an os.PathError.
	if err := keyprovider.CheckNotSecret(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to open %s: %w", path, errors.Join(ErrNoFile, err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, errors.Join(ErrNoFile, err))
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes: %w", path, maxFileSize, keyprovider.ErrPublicFile)
	}
	return data, nil
}

// recipient hands one entry to the backend it names.
func recipient(pk *keyprovider.PublicKey, opts *keyprovider.Options) (keyprovider.Key, error) {
	b, ok := keyprovider.Lookup(pk.Scheme)
	if !ok {
		return nil, fmt.Errorf("unknown backend %q (known: %s): %w",
			pk.Scheme, strings.Join(keyprovider.Schemes(), ", "), keyprovider.ErrPublicFile)
	}
	if b.Public == nil {
		return nil, fmt.Errorf("backend %q has no public keys to seal to: %w", pk.Scheme, keyprovider.ErrUnsupported)
	}
	k, err := b.Public(pk, opts)
	if err != nil {
		return nil, err
	}
	if _, ok := k.(keyprovider.Wrapper); !ok {
		return nil, fmt.Errorf("backend %q returned a public key that cannot seal: %w", pk.Scheme, keyprovider.ErrUnsupported)
	}
	return k, nil
}

// group is a file of several public keys.
type group struct {
	uri  string
	keys []keyprovider.Key
}

func (g *group) URI() string             { return g.uri }
func (g *group) Keys() []keyprovider.Key { return g.keys }

func hint(err error) string {
	switch {
	case errors.Is(err, keyprovider.ErrPublicFile):
		return "public key files are written by: envseal pubkey --key URI -o FILE"
	case errors.Is(err, ErrNoFile):
		return "check the path; a public key file is written by: envseal pubkey --key URI -o FILE"
	}
	return ""
}
