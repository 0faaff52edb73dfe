//go:build cgo

package pkcs11

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	p11 "github.com/miekg/pkcs11"
)

// pool holds every loaded module for the whole process. PKCS#11 lets a
// library be initialised once per process, and login state belongs to the
// token rather than the session, so all Keys naming one module share it.
var pool = struct {
	sync.Mutex
	modules map[string]*module
}{modules: map[string]*module{}}

// module is one loaded, initialised PKCS#11 library.
type module struct {
	path   string
	ctx    *p11.Ctx
	owned  bool // we called C_Initialize, so we call C_Finalize
	tokens map[uint]*token
}

// loadModule returns the module at path, loading it on first use. The pool
// lock must be held. Paths are resolved through symlinks, and made
// absolute, so that two names for one library share one initialisation.
func loadModule(path string) (*module, error) {
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		// dlopen searches the library path for a name without a slash:
		// a relative name must mean the file it names, nothing else.
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModule, err)
	}
	if m := pool.modules[real]; m != nil {
		return m, nil
	}
	ctx := p11.New(real)
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s is not a PKCS#11 library (dlopen or C_GetFunctionList failed)", ErrModule, path)
	}
	err = ctx.Initialize()
	owned := err == nil
	if err != nil && !isRV(err, p11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		ctx.Destroy()
		return nil, fmt.Errorf("%w: C_Initialize of %s failed: %w", ErrModule, path, err)
	}
	m := &module{path: path, ctx: ctx, owned: owned, tokens: map[uint]*token{}}
	pool.modules[real] = m
	return m, nil
}

func closeAll() error {
	pool.Lock()
	defer pool.Unlock()
	var errs []error
	for real, m := range pool.modules {
		for _, t := range m.tokens {
			errs = append(errs, t.close())
		}
		if m.owned {
			if err := m.ctx.Finalize(); err != nil {
				errs = append(errs, fmt.Errorf("failed to finalize PKCS#11 module %s: %w", m.path, err))
			}
		}
		m.ctx.Destroy()
		delete(pool.modules, real)
	}
	return errors.Join(errs...)
}

// isRV reports whether err is the PKCS#11 return value rv.
func isRV(err error, rv uint) bool {
	var e p11.Error
	return errors.As(err, &e) && uint(e) == rv
}
