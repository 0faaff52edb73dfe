package keyprovider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Options carries settings that come from the command line or the
// environment rather than from the key URI itself.
type Options struct {
	// Warnings receives non-fatal warnings, one line each (for example a
	// key file readable by other users). Nil discards them.
	Warnings io.Writer

	// AWSRegion and AWSProfile override the AWS SDK's default chain when set.
	AWSRegion  string
	AWSProfile string

	// Prompt asks the user for a secret (a PIN) on the terminal. Nil means
	// no terminal is available and the backend must fail with a hint.
	Prompt func(prompt string) ([]byte, error)
}

// Warnf writes one warning line to o.Warnings, if set.
func (o *Options) Warnf(format string, args ...any) {
	if o == nil || o.Warnings == nil {
		return
	}
	fmt.Fprintf(o.Warnings, "envseal: warning: "+format+"\n", args...)
}

// OpenFunc opens the key named by uri. It must not contact a remote service
// unless the operation needs it: opening is cheap, wrapping does the work.
type OpenFunc func(ctx context.Context, uri string, opts *Options) (Key, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]OpenFunc{}
)

// Register makes a backend available for a URI scheme. It panics if the
// scheme is registered twice, which is a programming error.
func Register(scheme string, open OpenFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[scheme]; dup {
		panic("keyprovider: scheme registered twice: " + scheme)
	}
	registry[scheme] = open
}

// Schemes lists the registered schemes, sorted.
func Schemes() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	s := make([]string, 0, len(registry))
	for k := range registry {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// ErrBadURI is returned (wrapped) for a key URI that cannot be parsed or
// whose scheme no backend handles.
var ErrBadURI = errors.New("invalid key URI")

// Open opens the key named by uri with the backend registered for its scheme.
func Open(ctx context.Context, uri string, opts *Options) (Key, error) {
	scheme, _, err := Scheme(uri)
	if err != nil {
		return nil, err
	}
	registryMu.RLock()
	open, ok := registry[scheme]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown key scheme %q (known: %s): %w",
			scheme, strings.Join(Schemes(), ", "), ErrBadURI)
	}
	if opts == nil {
		opts = &Options{}
	}
	return open(ctx, uri, opts)
}
