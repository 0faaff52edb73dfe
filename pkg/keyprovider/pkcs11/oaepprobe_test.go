//go:build cgo

package pkcs11

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // OAEP hashes probed
	_ "crypto/sha256"
	_ "crypto/sha512"
	"testing"

	"github.com/envseal/envseal/internal/testhsm"
	p11 "github.com/miekg/pkcs11"
)

// TestOAEPProbe records which CKM_RSA_PKCS_OAEP parameters the installed
// token decrypts (go test -run OAEPProbe -v prints the table; docs/hsm.md
// has it for SoftHSM2 2.6.1), with ciphertexts made by crypto/rsa, and
// checks that probeOAEP, which asks C_EncryptInit with the public key and
// needs no login, picks the first of oaeps the token really decrypts.
func TestOAEPProbe(t *testing.T) {
	h := testhsm.New(t)
	t.Cleanup(func() { closeAll() })
	k, err := Generate(t.Context(), h.URI("token=T;object=probe"), RSAOAEP3072, nil)
	if err != nil {
		t.Fatal(err)
	}
	hashes := []struct {
		name string
		h    crypto.Hash
		mech uint
		mgf  uint
	}{
		{"SHA-1", crypto.SHA1, p11.CKM_SHA_1, p11.CKG_MGF1_SHA1},
		{"SHA-224", crypto.SHA224, p11.CKM_SHA224, p11.CKG_MGF1_SHA224},
		{"SHA-256", crypto.SHA256, p11.CKM_SHA256, p11.CKG_MGF1_SHA256},
		{"SHA-384", crypto.SHA384, p11.CKM_SHA384, p11.CKG_MGF1_SHA384},
		{"SHA-512", crypto.SHA512, p11.CKM_SHA512, p11.CKG_MGF1_SHA512},
	}
	decrypts := map[crypto.Hash]bool{}
	err = k.use(t.Context(), func(tk *token) error {
		priv, _, err := tk.decryptionKey(k.uri)
		if err != nil {
			return err
		}
		pub, err := tk.rsaPublicKey(priv.h)
		if err != nil {
			return err
		}
		msg := make([]byte, 32)
		rand.Read(msg)
		for _, hh := range hashes {
			for _, mgf := range []struct {
				name string
				v    uint
				h    crypto.Hash
			}{{"MGF1-" + hh.name, hh.mgf, hh.h}, {"MGF1-SHA-1", p11.CKG_MGF1_SHA1, crypto.SHA1}}[:min(2, int(hh.h-crypto.SHA1)+1)] {
				for _, label := range [][]byte{nil, []byte("envseal")} {
					ct, err := rsa.EncryptOAEPWithOptions(rand.Reader, pub, msg, &rsa.OAEPOptions{Hash: hh.h, MGFHash: mgf.h, Label: label})
					if err != nil {
						return err
					}
					params := p11.NewOAEPParams(hh.mech, mgf.v, p11.CKZ_DATA_SPECIFIED, label)
					mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_RSA_PKCS_OAEP, params)}
					res := "ok"
					if err := tk.mod.ctx.DecryptInit(tk.sess, mech, priv.h); err != nil {
						res = "C_DecryptInit: " + err.Error()
					} else if pt, err := tk.mod.ctx.Decrypt(tk.sess, ct); err != nil {
						res = "C_Decrypt: " + err.Error()
					} else if string(pt) != string(msg) {
						res = "wrong plaintext"
					} else if mgf.h == hh.h && label == nil {
						decrypts[hh.h] = true
					}
					t.Logf("OAEP %-7s %-12s label %-7q: %s", hh.name, mgf.name, label, res)
				}
			}
		}
		r, err := tk.encryptionKey(k.uri, nil)
		if err != nil {
			return err
		}
		want := ""
		for _, o := range oaeps {
			if decrypts[o.hash] {
				want = o.name
				break
			}
		}
		t.Logf("probeOAEP chose %s", r.alg.name)
		if r.alg.name != want {
			t.Errorf("probeOAEP chose %s, but the first algorithm the token decrypts is %q", r.alg.name, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
