//go:build cgo

package pkcs11

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
	p11 "github.com/miekg/pkcs11"
)

var roleDecrypt = role{"opening an RSA stanza needs an RSA private key", p11.CKO_PRIVATE_KEY, []uint{p11.CKK_RSA}, nil}

// oaepHashes maps an OAEP hash to its PKCS#11 hash mechanism and MGF1.
var oaepHashes = map[crypto.Hash][2]uint{
	crypto.SHA256: {p11.CKM_SHA256, p11.CKG_MGF1_SHA256},
	crypto.SHA1:   {p11.CKM_SHA_1, p11.CKG_MGF1_SHA1},
}

func oaepMechanism(o oaep) []*p11.Mechanism {
	h := oaepHashes[o.hash]
	params := p11.NewOAEPParams(h[0], h[1], p11.CKZ_DATA_SPECIFIED, nil)
	return []*p11.Mechanism{p11.NewMechanism(p11.CKM_RSA_PKCS_OAEP, params)}
}

// encryptionKey returns the recipient for the RSA public key object u
// names, or nil when u names none. Public key objects are readable without
// logging in on the tokens envseal knows (CKA_PRIVATE is false for every
// tool's RSA public keys), which is what type=public sealing relies on; it
// is also why such an object proves nothing: see pairRecipient.
func (t *token) encryptionKey(u *URI, opts *keyprovider.Options) (*rsaRecipient, error) {
	if u.Object == "" && u.ID == nil {
		return nil, nil // the caller reports the URI
	}
	tmpl := rsaPublicTemplate(u.Object, u.ID)
	hs, err := t.search(tmpl)
	if err != nil {
		return nil, err
	}
	switch len(hs) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, fmt.Errorf("%d RSA public keys on token %q match %s: %w", len(hs), t.label, u.objectDesc(), ErrAmbiguous)
	}
	pub, err := t.rsaPublicKey(hs[0])
	if err != nil {
		return nil, err
	}
	a, err := t.attrs(hs[0], p11.CKA_LABEL, p11.CKA_ID)
	if err != nil {
		return nil, err
	}
	return t.recipientFor(u, hs[0], pub, object{label: string(a[0]), id: a[1]}, opts)
}

func rsaPublicTemplate(label string, id []byte) []*p11.Attribute {
	tmpl := []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_PUBLIC_KEY),
		p11.NewAttribute(p11.CKA_KEY_TYPE, p11.CKK_RSA),
	}
	if label != "" {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_LABEL, label))
	}
	if id != nil {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_ID, id))
	}
	return tmpl
}

// pairRecipient returns the recipient for the RSA private key priv, which
// must allow decryption: the public key object with priv's CKA_ID (or,
// without one, its label) and priv's modulus. Anyone who can open a
// read/write session can create a public key object without the PIN, so
// one is trusted only when its modulus is the private key's: a planted or
// stale object is skipped, and with none left the seal is refused rather
// than made to a key the token cannot open.
func (t *token) pairRecipient(u *URI, priv object, opts *keyprovider.Options) (*rsaRecipient, error) {
	_, n, err := t.checkDecrypt(u, priv)
	if err != nil {
		return nil, err
	}
	var tmpl []*p11.Attribute
	if len(priv.id) > 0 {
		tmpl = rsaPublicTemplate("", priv.id)
	} else {
		tmpl = rsaPublicTemplate(priv.label, nil)
	}
	hs, err := t.search(tmpl)
	if err != nil {
		return nil, err
	}
	desc := fmt.Sprintf("RSA key %s on token %q", u.objectDesc(), t.label)
	var found *rsa.PublicKey
	var fh p11.ObjectHandle
	others := 0
	for _, h := range hs {
		pub, err := t.rsaPublicKey(h)
		if err != nil || !bytes.Equal(pub.N.Bytes(), n) {
			others++
			continue
		}
		if found != nil && found.E != pub.E {
			return nil, fmt.Errorf("%s has public key objects with different exponents: %w", desc, ErrAmbiguous)
		}
		found, fh = pub, h
	}
	if found == nil {
		return nil, fmt.Errorf("%s has no public key object with its modulus (%d other public keys share its %s); refusing to seal to a key the token cannot open: %w",
			desc, others, map[bool]string{true: "id", false: "label"}[len(priv.id) > 0], ErrObjectNotFound)
	}
	return t.recipientFor(u, fh, found, priv, opts)
}

// recipientFor checks the public key object h (pub) and returns the
// recipient naming the key as named.
func (t *token) recipientFor(u *URI, h p11.ObjectHandle, pub *rsa.PublicKey, named object, opts *keyprovider.Options) (*rsaRecipient, error) {
	desc := fmt.Sprintf("RSA key %s on token %q", u.objectDesc(), t.label)
	a, err := t.attrs(h, p11.CKA_ENCRYPT)
	if err != nil {
		return nil, err
	}
	if !boolAttr(a[0]) {
		return nil, fmt.Errorf("%s is for signing only: its public key does not allow encryption (CKA_ENCRYPT): %w", desc, ErrWrongKeyType)
	}
	if err := checkRSA(pub, desc); err != nil {
		return nil, err
	}
	alg, err := t.probeOAEP(h, desc, opts)
	if err != nil {
		return nil, err
	}
	return &rsaRecipient{pub: pub, alg: alg, keyID: t.keyID(named)}, nil
}

// probeOAEP returns the first of oaeps the token takes for
// CKM_RSA_PKCS_OAEP, asking C_EncryptInit with the public key object:
// tokens check the mechanism parameters there as they do for
// C_DecryptInit (SoftHSM2 runs the same check for both), and the public
// key needs no login. The probe encrypts zeros, which are thrown away;
// the data key itself is encrypted locally.
func (t *token) probeOAEP(h p11.ObjectHandle, desc string, opts *keyprovider.Options) (oaep, error) {
	ctx := t.mod.ctx
	var errs []error
	for _, o := range oaeps {
		err := ctx.EncryptInit(t.sess, oaepMechanism(o), h)
		if err == nil {
			if _, err = ctx.Encrypt(t.sess, make([]byte, keyprovider.DataKeySize)); err == nil {
				return o, nil
			}
		}
		if probeRefused(err) {
			// The token will not say (some refuse C_EncryptInit with a
			// public key object, or before a login): seal with the
			// preferred set, which the token may not decrypt.
			opts.Warnf("token %q would not test RSA-OAEP for %s (%v); sealing with %s, which it may not decrypt: check that the token opens the file",
				t.label, desc, err, oaeps[0].name)
			return oaeps[0], nil
		}
		if !isRV(err, p11.CKR_ARGUMENTS_BAD) && !isRV(err, p11.CKR_MECHANISM_PARAM_INVALID) && !isRV(err, p11.CKR_MECHANISM_INVALID) {
			return oaep{}, fmt.Errorf("failed to check RSA-OAEP on token %q: %w", t.label, err)
		}
		errs = append(errs, err)
	}
	return oaep{}, fmt.Errorf("%s: the token does not do CKM_RSA_PKCS_OAEP with SHA-256 or SHA-1 (%v): %w", desc, errs[0], ErrWrongKeyType)
}

// probeRefused reports whether a probe error says nothing about OAEP
// parameters, only that the token would not run the probe.
func probeRefused(err error) bool {
	return isRV(err, p11.CKR_USER_NOT_LOGGED_IN) || isRV(err, p11.CKR_KEY_FUNCTION_NOT_PERMITTED)
}

// decryptionKey finds u's RSA private key and checks that it may decrypt.
func (t *token) decryptionKey(u *URI) (object, []byte, error) {
	o, err := t.pick(u, roleDecrypt)
	if err != nil {
		return object{}, nil, err
	}
	return t.checkDecrypt(u, o)
}

// checkDecrypt checks that the RSA private key o may decrypt, and returns
// its modulus (without leading zeros), which is never sensitive.
func (t *token) checkDecrypt(u *URI, o object) (object, []byte, error) {
	a, err := t.attrs(o.h, p11.CKA_DECRYPT, p11.CKA_MODULUS)
	if err != nil {
		return object{}, nil, err
	}
	if !boolAttr(a[0]) {
		return object{}, nil, fmt.Errorf("RSA key %s on token %q is for signing only: it does not allow %s: %w",
			u.objectDesc(), t.label, permName[p11.CKA_DECRYPT], ErrWrongKeyType)
	}
	return o, trimZeros(a[1]), nil
}

func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// decryptOAEP opens an RSA stanza body with the private key o.
func (t *token) decryptOAEP(o object, alg oaep, body []byte) ([]byte, error) {
	ctx := t.mod.ctx
	if err := ctx.DecryptInit(t.sess, oaepMechanism(alg), o.h); err != nil {
		return nil, fmt.Errorf("failed to start %s on token %q: %w", alg.name, t.label, err)
	}
	pt, err := ctx.Decrypt(t.sess, body)
	if err != nil {
		// A bad padding is CKR_ENCRYPTED_DATA_INVALID on most tokens and
		// CKR_GENERAL_ERROR on SoftHSM2: either way the body is not ours.
		return nil, fmt.Errorf("token %q: %w (%w)", t.label, ErrUnwrap, err)
	}
	if len(pt) != keyprovider.DataKeySize {
		clear(pt)
		return nil, fmt.Errorf("token %q: decrypted a %d-byte data key: %w", t.label, len(pt), ErrUnwrap)
	}
	return pt, nil
}

// exportKey returns the recipient for an export of u: only an RSA key pair
// whose private key may decrypt (CKA_DECRYPT) has one, and its public key
// object must carry the private key's modulus (see pairRecipient), so that
// an export never names a key the token cannot open. For any other key the
// error wraps ErrWrongKeyType, which is ErrUnsupported, so envseal pubkey
// treats it as a signing key.
func (t *token) exportKey(u *URI, opts *keyprovider.Options) (*rsaRecipient, error) {
	objs, err := t.findObjects(u)
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("no object on token %q matches %s: %w", t.label, u.objectDesc(), ErrObjectNotFound)
	}
	var priv []object
	for _, o := range objs {
		if roleDecrypt.accepts(o) {
			priv = append(priv, o)
		}
	}
	if len(priv) != 1 {
		return nil, fmt.Errorf("%s on token %q is not one RSA key pair: %w", u.objectDesc(), t.label, ErrWrongKeyType)
	}
	return t.pairRecipient(u, priv[0], opts)
}
