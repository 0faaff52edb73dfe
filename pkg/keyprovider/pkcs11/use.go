//go:build cgo

package pkcs11

import (
	"context"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// use runs fn on the key's token, with the session open and logged in and
// the token locked for the duration. The module is loaded and the token
// found on first use.
func (k *Key) use(ctx context.Context, fn func(t *token) error) error {
	return k.withToken(ctx, func(t *token) error { return t.ready(k.uri, k.opts) }, fn)
}

// useSession is use without logging in: enough to read public objects.
func (k *Key) useSession(ctx context.Context, fn func(t *token) error) error {
	return k.withToken(ctx, (*token).session, fn)
}

// withToken runs prepare and then fn with the key's token locked.
func (k *Key) withToken(ctx context.Context, prepare, fn func(t *token) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := k.token()
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := prepare(t); err != nil {
		return err
	}
	return fn(t)
}

func (k *Key) token() (*token, error) {
	path, err := k.uri.module()
	if err != nil {
		return nil, err
	}
	pool.Lock()
	defer pool.Unlock()
	m, err := loadModule(path)
	if err != nil {
		return nil, err
	}
	return m.findToken(k.uri)
}

// open is the backend's keyprovider.OpenFunc.
func open(_ context.Context, uri string, opts *keyprovider.Options) (keyprovider.Key, error) {
	k, err := newKey(uri, opts)
	if err != nil {
		return nil, err
	}
	return k, nil
}
