package pkcs11

import (
	"errors"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Errors returned (wrapped) by this package. Messages name tokens, objects
// and files, never a PIN.
var (
	// ErrNoCgo is the answer of a build without cgo to any pkcs11: URI.
	ErrNoCgo = errors.New("this build has no PKCS#11 support (built without cgo)")
	// ErrNoModule means neither the URI nor the environment names a module.
	ErrNoModule = errors.New("no PKCS#11 module given")
	// ErrModule means the module file is missing or is not a PKCS#11 library.
	ErrModule = errors.New("cannot load PKCS#11 module")
	// ErrTokenNotFound means no initialised token matches the URI.
	ErrTokenNotFound = errors.New("token not found")
	// ErrObjectNotFound means no object on the token matches the URI.
	ErrObjectNotFound = errors.New("object not found")
	// ErrAmbiguous means the URI matches more than one token or key.
	ErrAmbiguous = errors.New("URI matches more than one")
	// ErrWrongKeyType means the object cannot do what was asked of it, for
	// example an EC key named for wrapping. It also matches
	// keyprovider.ErrUnsupported.
	ErrWrongKeyType error = wrongKeyType{}
	// ErrNoPIN means the token needs a PIN and none was given, with no
	// terminal to ask on.
	ErrNoPIN = errors.New("no PIN for token")
	// ErrPINIncorrect means the token rejected the PIN.
	ErrPINIncorrect = errors.New("incorrect PIN")
	// ErrPINLocked means the token locked the PIN after too many failures.
	ErrPINLocked = errors.New("PIN is locked")
	// ErrExists means Generate found an object with the label already.
	ErrExists = errors.New("an object with this label already exists")
	// ErrUnwrap means a stanza made for this key did not authenticate.
	ErrUnwrap = errors.New("wrapped data key failed authentication")
	// ErrClosed means CloseAll ran while a Key or signer was still in use.
	ErrClosed = errors.New("PKCS#11 session closed")
)

type wrongKeyType struct{}

func (wrongKeyType) Error() string { return "wrong kind of key" }

func (wrongKeyType) Is(target error) bool { return target == keyprovider.ErrUnsupported }

// Hint returns a next step for an error from this package, or "".
func Hint(err error) string {
	var ue *URIError
	if errors.As(err, &ue) {
		return uriHint
	}
	for _, h := range hints {
		if errors.Is(err, h.err) {
			return h.hint
		}
	}
	return ""
}

var hints = []struct {
	err  error
	hint string
}{
	{ErrNoCgo, "PKCS#11 needs cgo: build envseal from source with CGO_ENABLED=1 and a C compiler (go build ./cmd/envseal); the cross-built release binaries have no cgo"},
	{ErrNoModule, "add ?module-path=/path/to/module.so to the key URI or set " + EnvModule},
	{ErrModule, "check the module path; Debian's SoftHSM2 is /usr/lib/softhsm/libsofthsm2.so"},
	{ErrTokenNotFound, "list tokens with: pkcs11-tool --module MODULE --list-token-slots (or softhsm2-util --show-slots)"},
	{ErrObjectNotFound, "create the key with: envseal keygen --key 'pkcs11:token=...;object=...', or list objects with: pkcs11-tool --module MODULE --login --list-objects"},
	{ErrAmbiguous, "add token=, serial=, id= or type= to the URI to pick one"},
	{ErrWrongKeyType, "wrapping needs an AES-256 key (keygen --type aes-256) or an RSA key pair that may encrypt and decrypt (--type rsa-oaep-3072); signing needs an ecdsa-p256, ecdsa-p384 or rsa-3072 key"},
	{ErrNoPIN, "set " + EnvPIN + ", add ?pin-source=FILE to the key URI, or run on a terminal to be asked"},
	{ErrPINIncorrect, "check the PIN; each failure counts towards locking the token"},
	{ErrPINLocked, "ask the token's security officer to unlock or reset the user PIN"},
	{ErrExists, "choose another object= label, or use the existing key"},
}

// uriHint is only for pkcs11: URIs: other schemes' bad URIs get the CLI's
// general hint.
const uriHint = "a token key URI looks like pkcs11:token=LABEL;object=LABEL?module-path=/path/to/module.so (RFC 7512)"
