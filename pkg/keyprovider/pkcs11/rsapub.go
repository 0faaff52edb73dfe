package pkcs11

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // OAEP hashes
	_ "crypto/sha256"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// oaep is one RSA-OAEP parameter set a pkcs11 RSA stanza can use.
type oaep struct {
	name   string // the Algorithm of an export: "RSA-OAEP-SHA256"
	stanza string // the stanza type
	hash   crypto.Hash
}

// oaeps are the parameter sets, most preferred first.
var oaeps = []oaep{
	{"RSA-OAEP-SHA256", StanzaTypeRSASHA256, crypto.SHA256},
	{"RSA-OAEP-SHA1", StanzaTypeRSASHA1, crypto.SHA1},
}

func oaepByStanza(typ string) (oaep, bool) {
	for _, o := range oaeps {
		if o.stanza == typ {
			return o, true
		}
	}
	return oaep{}, false
}

func oaepByName(name string) (oaep, bool) {
	for _, o := range oaeps {
		if o.name == name {
			return o, true
		}
	}
	return oaep{}, false
}

// minRSABits is the smallest modulus envseal seals to: below it a
// recipient would be weaker than the payload's AES-256 by more than the
// usual RSA margin.
const minRSABits = 2048

// Attributes of a pkcs11 entry in a public key file (see ExportPublic).
const (
	attrKeyID     = "Key-Id"
	attrAlgorithm = "Algorithm"
)

// rsaRecipient seals to an RSA public key: locally, with crypto/rsa. It is
// what both a token key and an export seal with, so the two write the same
// stanza.
type rsaRecipient struct {
	pub   *rsa.PublicKey
	alg   oaep
	keyID string
}

func (r *rsaRecipient) wrap(dataKey []byte) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("data key must be %d bytes", keyprovider.DataKeySize)
	}
	body, err := rsa.EncryptOAEP(r.alg.hash.New(), rand.Reader, r.pub, dataKey, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt data key with RSA-OAEP: %w", err)
	}
	return &keyprovider.Stanza{Type: r.alg.stanza, KeyID: r.keyID, Body: body}, nil
}

func (r *rsaRecipient) export() (*keyprovider.PublicKey, error) {
	der, err := x509.MarshalPKIXPublicKey(r.pub)
	if err != nil {
		return nil, err
	}
	return &keyprovider.PublicKey{
		Scheme:  "pkcs11",
		Attrs:   map[string]string{attrKeyID: r.keyID, attrAlgorithm: r.alg.name},
		DER:     der,
		Comment: fmt.Sprintf("%s\nRSA-%d key pair on a PKCS#11 token, sealed to with %s; opening needs the token", r.keyID, r.pub.N.BitLen(), r.alg.name),
	}, nil
}

// minRSAExponent is the smallest public exponent envseal seals to, as
// FIPS 186-5 requires: every tool makes 65537, and a tiny one (1 makes
// the "encryption" the identity) would otherwise be found only at wrap
// time, or not at all.
const minRSAExponent = 65537

func checkRSA(pub *rsa.PublicKey, desc string) error {
	if n := pub.N.BitLen(); n < minRSABits {
		return fmt.Errorf("%s is an RSA-%d key, want at least RSA-%d: %w", desc, n, minRSABits, ErrWrongKeyType)
	}
	if pub.E < minRSAExponent || pub.E%2 == 0 {
		return fmt.Errorf("%s has public exponent %d, want an odd one of at least %d (make the key with 65537): %w", desc, pub.E, minRSAExponent, ErrWrongKeyType)
	}
	return nil
}

// PublicKey is a key sealing to an exported token RSA key (envseal pubkey
// of an RSA key pair): it needs no module, token or PIN, and cannot open.
type PublicKey struct{ r *rsaRecipient }

var _ keyprovider.Wrapper = (*PublicKey)(nil)

// URI returns the key id of the token key it seals to.
func (k *PublicKey) URI() string { return k.r.keyID }

// Wrap encrypts dataKey with RSA-OAEP under the exported public key,
// writing the stanza the token key itself would.
func (k *PublicKey) Wrap(_ context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	return k.r.wrap(dataKey)
}

// publicKey is the backend's keyprovider.Backend.Public: it reads an entry
// written by ExportPublic, touching no module.
func publicKey(pk *keyprovider.PublicKey, _ *keyprovider.Options) (keyprovider.Key, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("pkcs11 public key: "+format+": %w", append(args, keyprovider.ErrPublicFile)...)
	}
	if err := pk.CheckAttrs(attrKeyID, attrAlgorithm); err != nil {
		return nil, err
	}
	keyID := pk.Attrs[attrKeyID]
	u, err := ParseURI(keyID)
	if err != nil || (u.Object == "" && u.ID == nil) || u.ModulePath != "" || u.PINSource != "" || u.HasPINValue() || u.String() != keyID {
		return nil, bad("%s is not a canonical token key id (pkcs11:token=...;object=...)", attrKeyID)
	}
	alg, ok := oaepByName(pk.Attrs[attrAlgorithm])
	if !ok {
		var names []string
		for _, o := range oaeps {
			names = append(names, o.name)
		}
		return nil, bad("%s must be one of %s", attrAlgorithm, strings.Join(names, ", "))
	}
	if len(pk.DER) == 0 {
		return nil, bad("no key")
	}
	parsed, err := x509.ParsePKIXPublicKey(pk.DER)
	if err != nil {
		return nil, bad("key does not parse as a SubjectPublicKeyInfo")
	}
	pub, ok := parsed.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("pkcs11 public key %s is not an RSA key: %w", keyID, ErrWrongKeyType)
	}
	if err := checkRSA(pub, "pkcs11 public key "+keyID); err != nil {
		return nil, err
	}
	return &PublicKey{r: &rsaRecipient{pub: pub, alg: alg, keyID: keyID}}, nil
}
