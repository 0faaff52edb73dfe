package pkcs11

import (
	"fmt"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// KeyType is a kind of key Generate can create on a token.
type KeyType string

// Key types for Generate. AES256 and the RSA-OAEP key pairs wrap data
// keys; the others sign.
const (
	AES256      KeyType = "aes-256"
	RSAOAEP3072 KeyType = "rsa-oaep-3072"
	RSAOAEP4096 KeyType = "rsa-oaep-4096"
	ECDSAP256   KeyType = "ecdsa-p256"
	ECDSAP384   KeyType = "ecdsa-p384"
	RSA3072     KeyType = "rsa-3072"
)

// KeyTypes lists every KeyType, for help text and validation.
func KeyTypes() []KeyType {
	return []KeyType{AES256, RSAOAEP3072, RSAOAEP4096, ECDSAP256, ECDSAP384, RSA3072}
}

// ParseKeyType validates a --type value. An empty value means AES256.
func ParseKeyType(s string) (KeyType, error) {
	if s == "" {
		return AES256, nil
	}
	for _, t := range KeyTypes() {
		if KeyType(s) == t {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown pkcs11 key type %q (known: %s)", s, strings.Join(keyprovider.Strings(KeyTypes()), ", "))
}

// objectType is the RFC 7512 type= value of the object a key type makes
// (for key pairs, of the half a URI names).
func (t KeyType) objectType() string {
	if t == AES256 {
		return "secret-key"
	}
	return "private"
}
