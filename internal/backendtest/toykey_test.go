package backendtest_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// The toy backend: scheme "testkey", URIs testkey:NAME, AES-256-GCM keys
// held in memory. It is registered the way a real backend is, from init,
// and declares every optional capability, so that the test below proves
// the command layer needs no edit to use one.
const toyScheme = "testkey"

var (
	errNoToyKey     = errors.New("no such test key")
	errToyDenied    = errors.New("testkey: rewrap denied")
	toyRewrapNotice = "testkey: rewrap denied; wrapping afresh"
	toyHint         = "make it with: envseal keygen --key testkey:NAME"
)

// toyStore is the backend's "service": named keys and what it saw.
var toyStore = struct {
	sync.Mutex
	keys     map[string][]byte
	flavours map[string]string // the --test-flavour setting each key was made with
	closed   int
}{keys: map[string][]byte{}, flavours: map[string]string{}}

func init() {
	keyprovider.Register(keyprovider.Backend{
		Scheme:  toyScheme,
		Open:    openToy,
		Example: "testkey:NAME",
		Keygen:  keygenToy,
		Hint: func(err error) string {
			if errors.Is(err, errNoToyKey) {
				return toyHint
			}
			return ""
		},
		Close: func() error {
			toyStore.Lock()
			defer toyStore.Unlock()
			toyStore.closed++
			return nil
		},
		Settings: []keyprovider.Setting{{Name: "test-flavour", Usage: "flavour of new test keys"}},
		Complete: keyprovider.Completion{
			Prefixes: []string{"testkey:"},
			Values:   map[string][]string{"spec": {"TOY_1", "TOY_2"}},
		},
		Discover: func(context.Context, *keyprovider.Options, []string) (keyprovider.Unwrapper, error) {
			return toyDiscovery{}, nil
		},
		RewrapFallback: func(err error) string {
			if errors.Is(err, errToyDenied) {
				return toyRewrapNotice
			}
			return ""
		},
	})
}

func openToy(_ context.Context, uri string, _ *keyprovider.Options) (keyprovider.Key, error) {
	name := strings.TrimPrefix(uri, toyScheme+":")
	toyStore.Lock()
	defer toyStore.Unlock()
	k, ok := toyStore.keys[name]
	if !ok {
		return nil, fmt.Errorf("failed to open %s: %w", uri, errNoToyKey)
	}
	return newToyKey(name, k)
}

func keygenToy(_ context.Context, uri string, req keyprovider.KeygenRequest, opts *keyprovider.Options) (string, error) {
	if req["type"] != "" {
		return "", &keyprovider.UsageError{Err: errors.New("--type does not apply to test keys"), Hint: "use --spec"}
	}
	name := strings.TrimPrefix(uri, toyScheme+":")
	toyStore.Lock()
	defer toyStore.Unlock()
	if _, dup := toyStore.keys[name]; dup {
		return "", fmt.Errorf("test key %s already exists", name)
	}
	k := make([]byte, 32)
	rand.Read(k)
	toyStore.keys[name] = k
	toyStore.flavours[name] = opts.Setting("test-flavour")
	return uri, nil
}

// toyKey wraps data keys with AES-GCM, the stanza's key id as
// additional data, so a stanza cannot be passed off as another key's.
type toyKey struct {
	uri  string
	aead cipher.AEAD
}

func newToyKey(name string, k []byte) (*toyKey, error) {
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &toyKey{uri: toyScheme + ":" + name, aead: aead}, nil
}

func (k *toyKey) URI() string { return k.uri }

func (k *toyKey) Wrap(_ context.Context, dk []byte, encCtx map[string]string) (*keyprovider.Stanza, error) {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	body := k.aead.Seal(nonce, nonce, dk, k.additional(encCtx))
	return &keyprovider.Stanza{Type: toyScheme, KeyID: k.uri, Body: body}, nil
}

func (k *toyKey) Unwrap(_ context.Context, s *keyprovider.Stanza, encCtx map[string]string) ([]byte, error) {
	if s.Type != toyScheme || s.KeyID != k.uri {
		return nil, keyprovider.ErrNotMine
	}
	n := k.aead.NonceSize()
	if len(s.Body) < n {
		return nil, errors.New("testkey: stanza too short")
	}
	return k.aead.Open(nil, s.Body[:n], s.Body[n:], k.additional(encCtx))
}

// Rewrap refuses every stanza, as a KMS policy without ReEncrypt does,
// so that rewrap has to take the backend's fallback.
func (k *toyKey) Rewrap(context.Context, *keyprovider.Stanza, map[string]string) (*keyprovider.Stanza, error) {
	return nil, errToyDenied
}

func (k *toyKey) additional(encCtx map[string]string) []byte {
	pairs := []string{k.uri}
	for name, v := range encCtx {
		pairs = append(pairs, name+"="+v)
	}
	sort.Strings(pairs[1:])
	return []byte(strings.Join(pairs, "\n"))
}

// toyDiscovery tries every key in the store, as open --discovery does.
type toyDiscovery struct{}

func (toyDiscovery) Unwrap(ctx context.Context, s *keyprovider.Stanza, encCtx map[string]string) ([]byte, error) {
	if s.Type != toyScheme {
		return nil, keyprovider.ErrNotMine
	}
	k, err := openToy(ctx, s.KeyID, nil)
	if err != nil {
		return nil, keyprovider.ErrNotMine
	}
	return k.(*toyKey).Unwrap(ctx, s, encCtx)
}
