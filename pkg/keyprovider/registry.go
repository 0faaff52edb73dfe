package keyprovider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]Backend{}
)

// Register makes a backend available for its URI scheme. It panics if the
// scheme or one of its settings is registered twice, or if Open is nil:
// those are programming errors.
func Register(b Backend) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if b.Open == nil {
		panic("keyprovider: backend without Open: " + b.Scheme)
	}
	for _, scheme := range append([]string{b.Scheme}, b.Aliases...) {
		if _, dup := lookupLocked(scheme); dup {
			panic("keyprovider: scheme registered twice: " + scheme)
		}
	}
	for _, other := range registry {
		for _, s := range other.Settings {
			for _, t := range b.Settings {
				if s.Name == t.Name {
					panic("keyprovider: setting registered twice: " + s.Name)
				}
			}
		}
	}
	registry[b.Scheme] = b
}

// Lookup returns the backend registered for scheme, as its Scheme or one
// of its Aliases.
func Lookup(scheme string) (Backend, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return lookupLocked(scheme)
}

func lookupLocked(scheme string) (Backend, bool) {
	if b, ok := registry[scheme]; ok {
		return b, true
	}
	for _, b := range registry {
		for _, a := range b.Aliases {
			if a == scheme {
				return b, true
			}
		}
	}
	return Backend{}, false
}

// bareBackend returns the backend whose recipient string s is (see
// Backend.Bare).
func bareBackend(s string) (Backend, bool) {
	for _, b := range Backends() {
		if b.Bare != nil && b.Bare(s) {
			return b, true
		}
	}
	return Backend{}, false
}

// Backends lists the registered backends, sorted by scheme, so that every
// list built from them (hints, flags, completions) has a stable order.
func Backends() []Backend {
	registryMu.RLock()
	defer registryMu.RUnlock()
	bs := make([]Backend, 0, len(registry))
	for _, b := range registry {
		bs = append(bs, b)
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Scheme < bs[j].Scheme })
	return bs
}

// Schemes lists the registered schemes, aliases included, sorted.
func Schemes() []string {
	var s []string
	for _, b := range Backends() {
		s = append(s, b.Scheme)
		s = append(s, b.Aliases...)
	}
	sort.Strings(s)
	return s
}

// ErrBadURI is returned (wrapped) for a key URI that cannot be parsed or
// whose scheme no backend handles.
var ErrBadURI = errors.New("invalid key URI")

// Open opens the key named by uri with the backend registered for its scheme.
func Open(ctx context.Context, uri string, opts *Options) (Key, error) {
	if opts == nil {
		opts = &Options{}
	}
	scheme, _, err := Scheme(uri)
	if err != nil {
		if b, ok := bareBackend(uri); ok {
			return b.Open(ctx, uri, opts)
		}
		return nil, err
	}
	b, ok := Lookup(scheme)
	if !ok {
		return nil, fmt.Errorf("unknown key scheme %q (known: %s): %w",
			scheme, strings.Join(Schemes(), ", "), ErrBadURI)
	}
	return b.Open(ctx, uri, opts)
}
