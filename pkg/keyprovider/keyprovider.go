// Package keyprovider defines how envseal talks to key backends.
//
// A backend turns a key URI (file:key.pem, awskms:///alias/Demo,
// pkcs11:token=...) into a Key. A Key wraps a file's data key for itself
// (Wrapper), may generate the data key itself (Generator, as AWS KMS does
// with GenerateDataKey), and unwraps stanzas it recognises (Unwrapper).
//
// The split mirrors age's Recipient/Identity: sealing needs only the
// wrapping half, opening only the unwrapping half, and an Unwrapper answers
// ErrNotMine for a stanza it was not made for, distinctly from a real
// failure on a stanza that is its own.
//
// Each backend registers one Backend value for its scheme, saying what it
// can do beyond opening keys (keygen, hints, settings, completion,
// discovery, cleanup); the command line asks the registry and names no
// backend. Backend's documentation says how to add one.
package keyprovider

import (
	"context"
	"errors"
)

// DataKeySize is the size of every file's data key: the input key of the
// AES-256-GCM chunked payload.
const DataKeySize = 32

// Stanza is one copy of a file's data key, wrapped for one recipient.
//
// Type names the backend and wrapping algorithm (for example "file" or
// "awskms"); KeyID identifies the key that can unwrap Body (a fingerprint,
// an ARN, a token object) without being secret; Body is opaque to everything
// but the backend.
type Stanza struct {
	Type  string
	KeyID string
	Body  []byte
}

// Wrapper wraps a data key for one recipient.
type Wrapper interface {
	// Wrap returns a stanza holding dataKey. encCtx is the file's encryption
	// context; backends that can bind it (AWS KMS EncryptionContext) must.
	Wrap(ctx context.Context, dataKey []byte, encCtx map[string]string) (*Stanza, error)
}

// Generator is a Wrapper that can also create the data key, so that the key
// material never exists outside the backend before it is wrapped.
type Generator interface {
	Wrapper
	GenerateDataKey(ctx context.Context, encCtx map[string]string) (dataKey []byte, s *Stanza, err error)
}

// Rewrapper is a Wrapper that can also make its stanza from another
// recipient's stanza inside the key service, so the data key is not sent
// to the service again (AWS KMS ReEncrypt). It returns an error wrapping
// ErrNotMine when it cannot start from that stanza (another backend, a key
// in another region); the caller then uses Wrap. The caller must know that
// from holds the file's data key: the result cannot be checked without
// unwrapping it.
type Rewrapper interface {
	Wrapper
	Rewrap(ctx context.Context, from *Stanza, encCtx map[string]string) (*Stanza, error)
}

// Unwrapper recovers a data key from a stanza.
type Unwrapper interface {
	// Unwrap returns the data key in s. It returns an error wrapping
	// ErrNotMine when s was not made for this key (other type, other key
	// id), and any other error when s is this key's but cannot be unwrapped.
	Unwrap(ctx context.Context, s *Stanza, encCtx map[string]string) ([]byte, error)
}

// Key is what a backend opens from a URI. It implements Wrapper, Unwrapper,
// or both; callers check with a type assertion and report what is missing.
type Key interface {
	// URI returns the key's URI as the user would type it (no secrets).
	URI() string
}

// ErrNotMine is returned (wrapped) by Unwrap for a stanza made for another key.
var ErrNotMine = errors.New("stanza is not for this key")

// ErrUnsupported is returned (wrapped) when a key cannot do what was asked,
// for example unwrapping with a signing-only key.
var ErrUnsupported = errors.New("operation not supported by this key")

// AttemptKeyer is an Unwrapper for which stanzas with different key ids
// can name one and the same key: the replicas of an AWS multi-Region key
// share key material, so a stanza for any of them opens with any other.
// AttemptKey returns what identifies the key an unwrap of s would use; a
// reader counts a failed unwrap once per type and attempt key, not per key
// id, so that a hostile file cannot turn one failing key into 64 requests
// by naming 64 made-up replicas of it.
type AttemptKeyer interface {
	Unwrapper
	AttemptKey(s *Stanza) string
}

// LimitedUnwrapper is an Unwrapper that cannot tell its own stanzas from
// other keys' by type and key id, and so must try them: an age plugin
// identity, which runs a program for each try and cannot derive the key id
// its stanzas carry. A reader passes it at most UnwrapLimit of a file's
// stanzas that are Candidates, whatever Unwrap answers for them (ErrNotMine
// included), so that a hostile file cannot make it run the program once per
// stanza.
type LimitedUnwrapper interface {
	Unwrapper

	// Candidate reports, doing no work, whether Unwrap would try s (its
	// type and key id fit this key) rather than answer ErrNotMine at once.
	Candidate(s *Stanza) bool

	// UnwrapLimit is how many candidate stanzas of one file Unwrap is
	// given at most.
	UnwrapLimit() int
}
