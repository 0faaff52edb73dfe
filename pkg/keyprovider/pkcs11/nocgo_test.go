//go:build !cgo

package pkcs11_test

import (
	"context"
	"errors"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// Without cgo the scheme is known but every use says why it cannot work.
func TestNoCgo(t *testing.T) {
	ctx := context.Background()
	_, err := keyprovider.Open(ctx, "pkcs11:token=T;object=kek", nil)
	if !errors.Is(err, pkcs11.ErrNoCgo) {
		t.Errorf("Open: %v, want ErrNoCgo", err)
	}
	_, err = pkcs11.Generate(ctx, "pkcs11:token=T;object=kek", pkcs11.AES256, nil)
	if !errors.Is(err, pkcs11.ErrNoCgo) {
		t.Errorf("Generate: %v, want ErrNoCgo", err)
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Errorf("CloseAll: %v", err)
	}
}
