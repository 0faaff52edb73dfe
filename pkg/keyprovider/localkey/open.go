package localkey

import (
	"encoding/pem"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Open reads the key file at path and returns what it holds, by its PEM
// type: a key-encryption key (*Key, for seal and open) or a private key
// (*SigningKey, for sign). One file: scheme serves both, so users never
// have to say which kind of file they are pointing at.
func Open(path string, opts *keyprovider.Options) (keyprovider.Key, error) {
	data, err := readKeyFile(path, opts)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	switch t := pemTypeOf(data); t {
	case pemType:
		return loadKEK(data, path)
	case pemPrivateKey:
		return loadSigningKey(data, path)
	case "":
		return nil, fmt.Errorf("key file %s: no PEM block found: %w", path, ErrKeyFile)
	default:
		return nil, fmt.Errorf("key file %s: %s: %w", path, wrongPEMType(t), ErrKeyFile)
	}
}

// pemTypeOf returns the type of the first PEM block in data, or "".
func pemTypeOf(data []byte) string {
	block, _ := pem.Decode(data)
	if block == nil {
		return ""
	}
	clear(block.Bytes)
	return block.Type
}

// wrongPEMType says what to do with a PEM file envseal does not read as a
// key, naming the conversion for the common near-misses.
func wrongPEMType(t string) string {
	switch t {
	case "EC PRIVATE KEY", "RSA PRIVATE KEY":
		return fmt.Sprintf("PEM block is %q, not PKCS#8 %q; convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW.pem", t, pemPrivateKey)
	case "ENCRYPTED PRIVATE KEY":
		return "the private key is passphrase-encrypted; envseal reads unencrypted PKCS#8 kept mode 0600 (decrypt with: openssl pkcs8 -in OLD -out NEW.pem)"
	case "PUBLIC KEY":
		return "this is a public key; signing needs the private key, and verify takes a public key with --pubkey FILE"
	}
	return fmt.Sprintf("PEM block is %q, want %q or %q", t, pemType, pemPrivateKey)
}
