package keyprovider

import "context"

// PublicKey is the public half of an asymmetric encryption key, exported
// so that anyone can seal to it later without the backend: no
// credentials, no network, no PKCS#11 module. envseal pubkey writes it and
// --key pub:FILE reads it (see MarshalPublic for the file format).
//
// A key whose public form is already a one-line recipient string (an age
// recipient) sets Line; any other sets Attrs and DER.
type PublicKey struct {
	// Scheme names the backend that seals to the key: its Backend.Public
	// makes the same stanza the key itself would.
	Scheme string

	// Line is the recipient string, for backends with one (age1...).
	Line string

	// Attrs are what the backend's stanza needs besides the key itself
	// (the key's ARN, the wrapping algorithm, a token object), as
	// header-style names ("Key-Id") and one-line values.
	Attrs map[string]string

	// DER is the key as a PKIX SubjectPublicKeyInfo.
	DER []byte

	// Comment says what the key is ("awskms:///alias/Team, RSA_3072"):
	// written as a # line before the entry, so that the file says what it
	// is; never read back.
	Comment string
}

// PublicExporter is a Key whose public half can be exported (envseal
// pubkey). ExportPublic returns an error wrapping ErrUnsupported for a key
// that has no public half to seal to (a symmetric or signing-only key).
type PublicExporter interface {
	Key
	ExportPublic(ctx context.Context) (*PublicKey, error)
}

// Group is a Key that stands for several keys, such as a file of
// recipients: the command line seals to each of them, one stanza each.
type Group interface {
	Key
	Keys() []Key
}

// Expand returns the keys a list of keys stands for, with every Group
// replaced by its members, in order.
func Expand(keys []Key) []Key {
	out := make([]Key, 0, len(keys))
	for _, k := range keys {
		if g, ok := k.(Group); ok {
			out = append(out, Expand(g.Keys())...)
			continue
		}
		out = append(out, k)
	}
	return out
}
