//go:build cgo

package pkcs11_test

import (
	"context"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// newHSM gives the test a fresh SoftHSM2 token and a clean environment,
// and finalizes the module afterwards so the next test's token is seen.
func newHSM(t *testing.T) *testhsm.HSM {
	t.Helper()
	h := testhsm.New(t)
	t.Setenv(pkcs11.EnvPIN, "")
	t.Setenv(pkcs11.EnvModule, "")
	t.Cleanup(func() {
		if err := pkcs11.CloseAll(); err != nil {
			t.Errorf("CloseAll: %v", err)
		}
	})
	return h
}

func generate(t *testing.T, h *testhsm.HSM, object string, typ pkcs11.KeyType) *pkcs11.Key {
	t.Helper()
	k, err := pkcs11.Generate(context.Background(), h.URI("token="+testhsm.Label+";object="+object), typ, nil)
	if err != nil {
		t.Fatalf("Generate %s %s: %v", object, typ, err)
	}
	return k
}

func open(t *testing.T, uri string, opts *keyprovider.Options) *pkcs11.Key {
	t.Helper()
	k, err := keyprovider.Open(context.Background(), uri, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return k.(*pkcs11.Key)
}
