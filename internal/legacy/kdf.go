package legacy

import (
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"slices"
)

const (
	keySize = 32 // AES-256
	ivSize  = 16

	// DefaultPBKDF2Iter is what `openssl enc -pbkdf2` uses without -iter.
	DefaultPBKDF2Iter = 10000
	// DefaultDigest is the -md of OpenSSL 1.1.0 and later. Files made by
	// OpenSSL 1.0 without -md used md5.
	DefaultDigest = "sha256"
)

// KDF says how `openssl enc` turned the passphrase into key and IV.
type KDF struct {
	// Iter > 0 selects PBKDF2-HMAC with that many iterations (openssl
	// -pbkdf2, or -iter N, which implies -pbkdf2). 0 selects the legacy
	// EVP_BytesToKey with one round, which openssl uses when given neither.
	Iter int
	// Digest is the -md: md5, sha1, sha256 (the default when empty),
	// sha384 or sha512.
	Digest string
}

var digests = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// Digests lists the -md names KDF accepts.
func Digests() []string {
	names := make([]string, 0, len(digests))
	for n := range digests {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (k KDF) digest() (func() hash.Hash, error) {
	name := k.Digest
	if name == "" {
		name = DefaultDigest
	}
	h, ok := digests[name]
	if !ok {
		return nil, fmt.Errorf("unsupported digest %q (want one of %v)", k.Digest, Digests())
	}
	return h, nil
}

// Derive returns the AES-256 key and the CBC IV for pass and salt.
func (k KDF) Derive(pass, salt []byte) (key, iv []byte, err error) {
	h, err := k.digest()
	if err != nil {
		return nil, nil, err
	}
	if k.Iter < 0 {
		return nil, nil, fmt.Errorf("iteration count %d is negative", k.Iter)
	}
	var out []byte
	if k.Iter > 0 {
		out, err = pbkdf2.Key(h, string(pass), salt, k.Iter, keySize+ivSize)
		if err != nil {
			return nil, nil, fmt.Errorf("failed to derive key: %w", err)
		}
	} else {
		out = evpBytesToKey(h, pass, salt, keySize+ivSize)
	}
	return out[:keySize], out[keySize:], nil
}

// evpBytesToKey is OpenSSL's EVP_BytesToKey with a count of 1, as enc
// calls it: D_1 = H(pass || salt), D_i = H(D_{i-1} || pass || salt), and
// key || IV is the first n bytes of D_1 || D_2 || ...
func evpBytesToKey(newHash func() hash.Hash, pass, salt []byte, n int) []byte {
	var out, prev []byte
	for len(out) < n {
		h := newHash()
		h.Write(prev)
		h.Write(pass)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:n]
}
