// Package legacy reads files made by `openssl enc -aes-256-cbc`, so that
// envseal can open and migrate what the old aws kms + openssl pipeline left
// behind. It decrypts only: nothing new should be written in this format.
//
// The format is "Salted__", an 8-byte salt, then AES-256-CBC with PKCS#7
// padding, key and IV derived from a passphrase (see KDF). It has no
// authentication: the padding of the last block is the only check there
// is, so a wrong passphrase is noticed only at the very end, and a modified
// file may decrypt without any error at all.
package legacy

import "errors"

// Magic starts every salted `openssl enc` file.
const Magic = "Salted__"

// base64Magic is Magic as `openssl enc -a` writes it: base64 of "Salted".
const base64Magic = "U2FsdGVk"

var (
	// ErrNotSalted means the input does not start with Magic (nor its
	// base64 form): not an `openssl enc` file, or one made with -nosalt.
	ErrNotSalted = errors.New("not an openssl enc file: no Salted__ header")

	// ErrBadDecrypt means the padding of the last block is wrong. In this
	// unauthenticated format that is all a wrong passphrase, a wrong KDF
	// setting or a damaged file can look like, so it names all three.
	ErrBadDecrypt = errors.New("bad decrypt: wrong passphrase, wrong --iter/--md, or a corrupted file")

	// ErrTruncated means the encrypted data is empty or not a whole number
	// of AES blocks: the file was cut short (or extended).
	ErrTruncated = errors.New("truncated openssl enc file: the encrypted data is not a whole number of 16-byte blocks")
)
