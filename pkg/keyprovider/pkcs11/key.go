package pkcs11

import (
	"context"
	"crypto"
	"sync"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Environment variables consulted when the URI does not say.
const (
	// EnvModule names the PKCS#11 library when the URI has no module-path.
	EnvModule = "ENVSEAL_PKCS11_MODULE"
	// EnvPIN holds the user PIN when the URI has no pin-value or pin-source.
	EnvPIN = "ENVSEAL_PKCS11_PIN"
)

// Key is a key on a PKCS#11 token, named by a URI. Opening one does not
// touch the token: the module is loaded, the token found and logged in to
// on first use, once per process.
//
// An AES-256 secret key wraps and unwraps data keys; so does an RSA key
// pair whose public key allows encryption and private key decryption
// (sealing encrypts with the public key, see StanzaTypeRSASHA256); an EC or
// RSA private key signs (see Signer). Asking a key for what it cannot do
// fails with ErrWrongKeyType.
type Key struct {
	uri  *URI
	opts *keyprovider.Options

	mu  sync.Mutex    // guards rsa
	rsa *rsaRecipient // the RSA public key, once read from the token
}

var (
	_ keyprovider.Wrapper        = (*Key)(nil)
	_ keyprovider.Unwrapper      = (*Key)(nil)
	_ keyprovider.PublicExporter = (*Key)(nil)
)

// newKey parses uri. A pin-value draws a warning: a URI on a command line
// is visible to every user through the process list.
func newKey(uri string, opts *keyprovider.Options) (*Key, error) {
	u, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &keyprovider.Options{}
	}
	if u.HasPINValue() {
		opts.Warnf("pin-value in a key URI is visible to other users in the process list; prefer pin-source=FILE or %s", EnvPIN)
	}
	return &Key{uri: u, opts: opts}, nil
}

// URI returns the key's URI in canonical form, without any pin-value.
func (k *Key) URI() string { return k.uri.String() }

// Generate creates a key of type typ (AES256 if empty) on the token named by
// uri, labelled with the URI's object and given its id, or a random id when
// the URI has none. Keys are token objects, private, sensitive and not
// extractable. Generate refuses with ErrExists when any object on the token
// already has the label. The returned Key's URI includes the id.
func Generate(ctx context.Context, uri string, typ KeyType, opts *keyprovider.Options) (*Key, error) {
	typ, err := ParseKeyType(string(typ))
	if err != nil {
		return nil, err
	}
	k, err := newKey(uri, opts)
	if err != nil {
		return nil, err
	}
	if k.uri.Object == "" {
		return nil, &URIError{Attr: "object", Reason: "is required: it labels the new key"}
	}
	if k.uri.Type != "" && k.uri.Type != typ.objectType() {
		return nil, &URIError{Attr: "type", Reason: "must be " + typ.objectType() + " for a " + string(typ) + " key"}
	}
	return generate(ctx, k, typ)
}

// Signer returns a crypto.Signer for the key, which must be an EC or RSA
// private key with its public key on the token. ECDSA signatures are ASN.1
// DER; RSA keys sign with RSA-PSS only (opts must be *rsa.PSSOptions).
// The signer is valid until CloseAll.
func (k *Key) Signer(ctx context.Context) (crypto.Signer, error) {
	return newSigner(ctx, k)
}

// CloseAll logs out of every token, closes every session and finalizes
// every module this process opened. Keys stay usable (they reopen on next
// use); signers do not. The command line defers it.
func CloseAll() error { return closeAll() }
