// Package checksum computes file digests and reads and writes checksum
// lists in the two formats people already check with: GNU coreutils
// (`<hex>  <name>`, what sha256sum writes and `sha256sum -c` reads) and BSD
// (`SHA256 (<name>) = <hex>`, sha256sum --tag).
package checksum

import (
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"

	"golang.org/x/crypto/blake2b"
)

// Algorithm is a hash that envseal hash offers.
type Algorithm struct {
	// Name is the -a value: "sha256", "sha3-512", "blake2b-512".
	Name string
	// Tag names the algorithm in BSD-format lines, spelled as coreutils
	// spells it (b2sum writes "BLAKE2b" for the 512-bit digest).
	Tag string
	// Size is the digest size in bytes.
	Size int
	New  func() hash.Hash
}

// algorithms lists every Algorithm; the first is the default.
var algorithms = []*Algorithm{
	{"sha256", "SHA256", sha256.Size, sha256.New},
	{"sha384", "SHA384", sha512.Size384, sha512.New384},
	{"sha512", "SHA512", sha512.Size, sha512.New},
	{"sha3-256", "SHA3-256", 32, func() hash.Hash { return sha3.New256() }},
	{"sha3-512", "SHA3-512", 64, func() hash.Hash { return sha3.New512() }},
	{"blake2b-512", "BLAKE2b", blake2b.Size, newBLAKE2b512},
}

// newBLAKE2b512 is unkeyed BLAKE2b-512, which cannot fail: New512 only
// errors for a key longer than 64 bytes.
func newBLAKE2b512() hash.Hash {
	h, err := blake2b.New512(nil)
	if err != nil {
		panic(err)
	}
	return h
}

// Default is the algorithm used when none is named: SHA-256, as sha256sum.
func Default() *Algorithm { return algorithms[0] }

// Names lists the -a values, default first.
func Names() []string {
	n := make([]string, len(algorithms))
	for i, a := range algorithms {
		n[i] = a.Name
	}
	return n
}

// UnknownAlgorithmError is returned by Lookup for a name it does not know.
type UnknownAlgorithmError struct{ Name string }

func (e *UnknownAlgorithmError) Error() string {
	return fmt.Sprintf("unknown hash algorithm %q (known: %s)", e.Name, strings.Join(Names(), ", "))
}

// Lookup finds an algorithm by its -a name.
func Lookup(name string) (*Algorithm, error) {
	for _, a := range algorithms {
		if a.Name == name {
			return a, nil
		}
	}
	return nil, &UnknownAlgorithmError{Name: name}
}

// lookupTag finds an algorithm by its BSD tag. "BLAKE2b-512" is accepted
// too: it is how cksum -l 512 and other tools spell the same digest.
func lookupTag(tag string) *Algorithm {
	if tag == "BLAKE2b-512" {
		tag = "BLAKE2b"
	}
	for _, a := range algorithms {
		if a.Tag == tag {
			return a
		}
	}
	return nil
}
