package testhsm_test

import (
	"os"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
)

func TestNew(t *testing.T) {
	h := testhsm.New(t)
	if os.Getenv("SOFTHSM2_CONF") != h.Conf {
		t.Errorf("SOFTHSM2_CONF = %q, want %q", os.Getenv("SOFTHSM2_CONF"), h.Conf)
	}
	conf, err := os.ReadFile(h.Conf)
	if err != nil || !strings.Contains(string(conf), "directories.tokendir = "+h.Dir) {
		t.Errorf("config %q does not keep tokens in %s: %v", conf, h.Dir, err)
	}
	h.InitToken(t, "U", "4321")
	if h.Slot(t, testhsm.Label) == h.Slot(t, "U") {
		t.Error("two tokens share a slot")
	}
	want := "pkcs11:token=T?module-path=" + h.Module + "&pin-value=" + testhsm.PIN
	if got := h.URI("token=T"); got != want {
		t.Errorf("URI = %q, want %q", got, want)
	}
}
