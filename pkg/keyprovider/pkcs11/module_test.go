//go:build cgo

package pkcs11_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// A relative ENVSEAL_PKCS11_MODULE names a file relative to the working
// directory, as a user reads it. dlopen searches the library path for a
// name without a slash, so passing "mymod.so" on as it is would load some
// other library of that name, or none.
func TestRelativeModulePathIsTheFileNamed(t *testing.T) {
	h := newHSM(t)
	generate(t, h, "kek", pkcs11.AES256)
	lib, err := os.ReadFile(h.Module)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mymod.so"), lib, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv(pkcs11.EnvModule, "mymod.so")
	pkcs11.CloseAll()
	k, err := keyprovider.Open(context.Background(), "pkcs11:token=T;object=kek?pin-value="+testhsm.PIN, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.(keyprovider.Wrapper).Wrap(context.Background(), make([]byte, keyprovider.DataKeySize), nil); err != nil {
		t.Fatalf("Wrap through the module named relatively: %v", err)
	}
}
