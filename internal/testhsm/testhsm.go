// Package testhsm gives a test its own SoftHSM2: a temporary token
// directory, a SOFTHSM2_CONF pointing at it, and a token initialised with
// softhsm2-util, all removed when the test ends. Tests drive the real
// PKCS#11 module; nothing is mocked.
//
//	h := testhsm.New(t)
//	uri := h.URI("token=" + testhsm.Label + ";object=kek")
//
// New sets SOFTHSM2_CONF with t.Setenv, so tests using it cannot run in
// parallel. SoftHSM2 reads that file when the module is initialised: a test
// must finalize the module (pkcs11.CloseAll) before the next test's New
// takes effect, which is what a t.Cleanup registered after New does.
//
// When SoftHSM2 is missing, New fails the test in CI (see testci) and
// skips it elsewhere, saying how to install it.
package testhsm

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/envseal/envseal/internal/testci"
)

// The first token's label, user PIN and security officer PIN.
const (
	Label = "T"
	PIN   = "1234"
	SOPIN = "5678"
)

// HSM is one test's SoftHSM2 configuration.
type HSM struct {
	Dir    string // holds Conf and the token directory
	Conf   string // the SOFTHSM2_CONF file
	Module string // path of libsofthsm2.so

	util  string          // softhsm2-util
	slots map[string]uint // token label -> slot id softhsm2-util reported
}

// New writes a fresh SoftHSM2 configuration, sets SOFTHSM2_CONF to it for
// the test, and initialises a token labelled Label with PIN and SOPIN.
func New(t testing.TB) *HSM {
	t.Helper()
	module, util, err := Find()
	if err != nil {
		unavailable(t, err)
	}
	dir := t.TempDir()
	h := &HSM{Dir: dir, Conf: filepath.Join(dir, "softhsm2.conf"), Module: module, util: util, slots: map[string]uint{}}
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Conf, []byte(Config(tokens)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", h.Conf)
	h.InitToken(t, Label, PIN)
	return h
}

var slotRE = regexp.MustCompile(`reassigned to slot (\d+)`)

// InitToken initialises one more token, in the first free slot, with
// security officer PIN SOPIN. Like New, it takes effect for the module at
// its next initialisation.
func (h *HSM) InitToken(t testing.TB, label, pin string) {
	t.Helper()
	out, err := exec.Command(h.util, "--init-token", "--free",
		"--label", label, "--pin", pin, "--so-pin", SOPIN).CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	if m := slotRE.FindSubmatch(out); m != nil {
		n, _ := strconv.ParseUint(string(m[1]), 10, 0)
		h.slots[label] = uint(n)
	}
}

// Slot returns the slot id of the token labelled label.
func (h *HSM) Slot(t testing.TB, label string) uint {
	t.Helper()
	s, ok := h.slots[label]
	if !ok {
		t.Fatalf("testhsm: no slot recorded for token %q", label)
	}
	return s
}

// URI returns a pkcs11: URI with the given path attributes, this HSM's
// module and the first token's PIN as a pin-value.
func (h *HSM) URI(path string) string {
	return "pkcs11:" + path + "?module-path=" + h.Module + "&pin-value=" + PIN
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	testci.Require(t, "SoftHSM2", "apt-get install softhsm2, or set SOFTHSM2_MODULE", err)
}
