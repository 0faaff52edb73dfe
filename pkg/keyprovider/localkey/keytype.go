package localkey

import (
	"fmt"
	"strings"
)

// KeyType is a kind of key file Generate and GenerateSigningKey create.
// The names match the pkcs11 backend's, so --type means one thing.
type KeyType string

// Key types. AES256 is a key-encryption key (seal, open); the others sign.
const (
	AES256    KeyType = "aes-256"
	Ed25519   KeyType = "ed25519"
	ECDSAP256 KeyType = "ecdsa-p256"
	ECDSAP384 KeyType = "ecdsa-p384"
	RSA3072   KeyType = "rsa-3072"
	RSA4096   KeyType = "rsa-4096"
)

// KeyTypes lists every KeyType, the default first.
func KeyTypes() []KeyType {
	return []KeyType{AES256, Ed25519, ECDSAP256, ECDSAP384, RSA3072, RSA4096}
}

// ParseKeyType validates a --type value. An empty value means AES256.
func ParseKeyType(s string) (KeyType, error) {
	if s == "" {
		return AES256, nil
	}
	names := make([]string, 0, len(KeyTypes()))
	for _, t := range KeyTypes() {
		if KeyType(s) == t {
			return t, nil
		}
		names = append(names, string(t))
	}
	return "", fmt.Errorf("unknown key type %q (known: %s)", s, strings.Join(names, ", "))
}

// Signing reports whether keys of type t sign (rather than wrap).
func (t KeyType) Signing() bool { return t != AES256 }
