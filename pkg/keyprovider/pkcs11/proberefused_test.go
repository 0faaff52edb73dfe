//go:build cgo

package pkcs11

import (
	"bytes"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/pkg/keyprovider"
	p11 "github.com/miekg/pkcs11"
)

// A token that will not run the probe at all (here SoftHSM2 refusing
// C_EncryptInit with CKR_KEY_FUNCTION_NOT_PERMITTED for a public key
// without CKA_ENCRYPT; other tokens say CKR_USER_NOT_LOGGED_IN in a
// public session) gets the preferred OAEP set and a warning, rather than
// failing the seal.
func TestOAEPProbeRefusedFallsBack(t *testing.T) {
	h := testhsm.New(t)
	t.Cleanup(func() { closeAll() })
	k, err := Generate(t.Context(), h.URI("token=T;object=signer"), RSA3072, nil)
	if err != nil {
		t.Fatal(err)
	}
	var warnings bytes.Buffer
	opts := &keyprovider.Options{Warnings: &warnings}
	err = k.use(t.Context(), func(tk *token) error {
		hs, err := tk.search(rsaPublicTemplate("signer", nil))
		if err != nil || len(hs) != 1 {
			t.Fatalf("public key: %d, %v", len(hs), err)
		}
		alg, err := tk.probeOAEP(hs[0], "RSA key object=signer", opts)
		if err != nil {
			return err
		}
		if alg != oaeps[0] {
			t.Errorf("fell back to %s, want %s", alg.name, oaeps[0].name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("probe refused: %v", err)
	}
	if w := warnings.String(); !strings.Contains(w, "would not test RSA-OAEP") || !strings.Contains(w, "CKR_KEY_FUNCTION_NOT_PERMITTED") {
		t.Errorf("warning %q", w)
	}
	if !probeRefused(p11.Error(p11.CKR_USER_NOT_LOGGED_IN)) {
		t.Error("CKR_USER_NOT_LOGGED_IN is not a refusal")
	}
}
