//go:build cgo

package pkcs11_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

// Keys that name one token in different ways share one session and one
// login, which is what tokens with few sessions need.
func TestOneSessionPerToken(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "kek", pkcs11.AES256)
	id, err := k.KeyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Another name for the same library shares its initialisation.
	link := filepath.Join(t.TempDir(), "libsofthsm2.so")
	if err := os.Symlink(h.Module, link); err != nil {
		t.Fatal(err)
	}
	serial := strings.Split(strings.Split(id, "serial=")[1], ";")[0]
	uris := []string{
		h.URI("token=T;object=kek"),
		h.URI("serial=" + serial + ";object=kek"),
		h.URI(fmt.Sprintf("slot-id=%d;object=kek", h.Slot(t, "T"))),
		h.URI("object=kek"), // the only initialised token
		"pkcs11:object=kek;type=secret-key?module-path=" + link,
	}
	for _, uri := range uris {
		got, err := open(t, uri, nil).KeyID(ctx)
		if err != nil || got != id {
			t.Errorf("%s: key id %q, %v; want %q", uri, got, err, id)
		}
	}
	if n := pkcs11.OpenSessions(); n != 1 {
		t.Errorf("%d sessions open, want 1", n)
	}
}

func TestTwoTokens(t *testing.T) {
	h := newHSM(t)
	h.InitToken(t, "U", "4321")
	ctx := context.Background()
	generate(t, h, "kek", pkcs11.AES256)
	u, err := pkcs11.Generate(ctx, "pkcs11:token=U;object=kek?pin-value=4321&module-path="+h.Module, pkcs11.AES256, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, h.URI("object=kek"), nil).KeyID(ctx); !errors.Is(err, pkcs11.ErrAmbiguous) {
		t.Errorf("no token attribute with two tokens: %v, want ErrAmbiguous", err)
	}
	dk := make([]byte, keyprovider.DataKeySize)
	rand.Read(dk)
	s, err := u.Wrap(ctx, dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, h.URI("token=T;object=kek"), nil).Unwrap(ctx, s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("same label on another token: %v, want ErrNotMine", err)
	}
	if n := pkcs11.OpenSessions(); n != 2 {
		t.Errorf("%d sessions open, want 2", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	generate(t, h, "a", pkcs11.AES256)
	generate(t, h, "b", pkcs11.AES256)
	pkcs11.CloseAll()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := open(t, h.URI("token=T;object="+[]string{"a", "b"}[i%2]), nil)
			dk := make([]byte, keyprovider.DataKeySize)
			s, err := k.Wrap(ctx, dk, nil)
			if err == nil {
				_, err = k.Unwrap(ctx, s, nil)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := pkcs11.OpenSessions(); n != 1 {
		t.Errorf("%d sessions open, want 1", n)
	}
}

func TestCloseAll(t *testing.T) {
	h := newHSM(t)
	ctx := context.Background()
	k := generate(t, h, "kek", pkcs11.AES256)
	s, err := generate(t, h, "ec", pkcs11.ECDSAP256).Signer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Fatal(err)
	}
	if n := pkcs11.OpenSessions(); n != 0 {
		t.Errorf("%d sessions open after CloseAll", n)
	}
	if _, err := s.Sign(nil, make([]byte, 32), nil); !errors.Is(err, pkcs11.ErrClosed) {
		t.Errorf("Sign after CloseAll: %v, want ErrClosed", err)
	}
	if _, err := k.KeyID(ctx); err != nil {
		t.Errorf("a Key reopens after CloseAll: %v", err)
	}
	if err := pkcs11.CloseAll(); err != nil {
		t.Errorf("second CloseAll: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := k.Wrap(cancelled, make([]byte, keyprovider.DataKeySize), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Wrap with a cancelled context: %v", err)
	}
}
