package envelope

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// CheckContext returns a *ContextError unless every pair in required is in
// the header with the same value. Extra pairs in the file are fine: the
// caller states what it needs, not everything the sealer chose to bind.
func (h *Header) CheckContext(required map[string]string) error {
	for k, want := range required {
		got, ok := h.Context[k]
		if !ok || got != want {
			return &ContextError{Key: k, Want: want, Got: got, Present: ok, FileContext: h.Context}
		}
	}
	return nil
}

// DataKey unwraps the file's data key with the first identity that opens a
// stanza, and authenticates the header with it. A stanza that is an
// identity's own but fails is remembered; other stanzas are still tried, and
// that failure is returned only if none succeeds.
func (h *Header) DataKey(ctx context.Context, ids []keyprovider.Unwrapper) ([]byte, error) {
	dk, _, err := h.UnwrapDataKey(ctx, ids)
	return dk, err
}

// UnwrapDataKey is DataKey that also returns the stanza the data key came
// from. The header MAC has been checked with that key, so the stanza is
// known to hold the file's data key: rewrap can re-encrypt it in a key
// service (keyprovider.Rewrapper) instead of wrapping the key again.
//
// Each identity fails at most once per stanza type and key id (or per key,
// for identities whose key ids can name one key several ways: see
// keyprovider.AttemptKeyer): after that, such stanzas are skipped for it. Otherwise a
// hostile file with 64 stanzas naming the user's KMS key costs 64 Decrypt
// calls. It would lock out a file with two stanzas of one type and key id
// wrapped to different keys, which public recipients can make (a pub:
// export naming a real key id over another key): so writers refuse to make
// one (see checkDistinct), and only a file written by other software, or
// altered by a writer who held the data key, can hold such a pair.
//
// An identity that must try stanzas to know whether they are its own
// (keyprovider.LimitedUnwrapper) is given at most UnwrapLimit of the
// file's stanzas that are candidates for it, whatever it answers.
func (h *Header) UnwrapDataKey(ctx context.Context, ids []keyprovider.Unwrapper) ([]byte, *keyprovider.Stanza, error) {
	var firstErr error
	failed := map[unwrapAttempt]bool{}
	tries := make([]int, len(ids))
	candidates := make([]int, len(ids))
	for _, s := range h.Stanzas {
		for i, id := range ids {
			a := unwrapAttempt{i, s.Type, attemptKey(id, s)}
			if failed[a] {
				continue
			}
			if l, ok := id.(keyprovider.LimitedUnwrapper); ok && l.Candidate(s) {
				candidates[i]++
				if tries[i] >= l.UnwrapLimit() {
					continue
				}
				tries[i]++
			}
			dk, err := id.Unwrap(ctx, s, h.Context)
			if errors.Is(err, keyprovider.ErrNotMine) {
				continue
			}
			if err != nil {
				failed[a] = true
				if firstErr == nil {
					firstErr = fmt.Errorf("failed to unwrap %s stanza: %w", s.Type, err)
				}
				continue
			}
			if len(dk) != keyprovider.DataKeySize {
				clear(dk)
				return nil, nil, fmt.Errorf("%s stanza holds a %d-byte data key: %w", s.Type, len(dk), ErrMalformed)
			}
			if err := h.verifyMAC(dk); err != nil {
				clear(dk)
				return nil, nil, err
			}
			return dk, s, nil
		}
	}
	note := limitNote(ids, tries, candidates)
	if firstErr != nil {
		if note != "" {
			firstErr = fmt.Errorf("%w; %s", firstErr, note)
		}
		return nil, nil, firstErr
	}
	return nil, nil, &NoMatchError{Stanzas: h.Stanzas, Limited: note}
}

// attemptKey is what a failed unwrap of s by id is remembered by: the
// stanza's key id, or the key it stands for when several key ids name one
// key (keyprovider.AttemptKeyer).
func attemptKey(id keyprovider.Unwrapper, s *keyprovider.Stanza) string {
	if ak, ok := id.(keyprovider.AttemptKeyer); ok {
		return ak.AttemptKey(s)
	}
	return s.KeyID
}

// limitNote says which limited identities were not given every stanza
// they might have opened, so that a file with more stanzas than the limit
// for one plugin does not fail as if it were not the user's at all.
func limitNote(ids []keyprovider.Unwrapper, tries, candidates []int) string {
	var notes []string
	for i, id := range ids {
		if candidates[i] <= tries[i] {
			continue
		}
		name := "a key"
		if k, ok := id.(keyprovider.Key); ok {
			name = k.URI()
		}
		n := fmt.Sprintf("%s tried %d of the %d stanzas it cannot tell from its own", name, tries[i], candidates[i])
		if a, ok := id.(interface{ LimitAdvice() string }); ok {
			n += ": " + a.LimitAdvice()
		}
		notes = append(notes, n)
	}
	return strings.Join(notes, "; ")
}

// unwrapAttempt is an identity (by index) and the stanza type and key id
// it tried to unwrap.
type unwrapAttempt struct {
	id         int
	typ, keyID string
}

// Decrypt parses the header from src, checks the required context, unwraps
// the data key and returns the header and a reader of the authenticated
// plaintext. src should be buffered: the header is read in small pieces.
func Decrypt(ctx context.Context, src io.Reader, ids []keyprovider.Unwrapper, required map[string]string) (*Header, io.Reader, error) {
	return DecryptWith(ctx, src, ids, &OpenOptions{Context: required})
}

// OpenOptions are the settings of DecryptWith and DecryptAtWith.
type OpenOptions struct {
	// Context lists the required context pairs (see CheckContext).
	Context map[string]string
	// CheckHeader, if set, is called with the parsed header after the
	// context check and before any key is used; an error from it rejects
	// the file. A signer policy goes here: is the signer block's key or
	// certificate one the caller trusts? The signature itself is always
	// verified against the signer block's key.
	CheckHeader func(*Header) error
}

func (o *OpenOptions) check(h *Header) error {
	if o == nil {
		return nil
	}
	if err := h.CheckContext(o.Context); err != nil {
		return err
	}
	if o.CheckHeader != nil {
		return o.CheckHeader(h)
	}
	return nil
}

// DecryptWith is Decrypt with options. For a signed file, the reader
// verifies the signature when the payload ends: it returns io.EOF only
// if the signature verified, and holds the final chunk's plaintext back
// until then, so a file whose signature fails releases at most its full
// chunks.
func DecryptWith(ctx context.Context, src io.Reader, ids []keyprovider.Unwrapper, opts *OpenOptions) (*Header, io.Reader, error) {
	h, err := Parse(src)
	if err != nil {
		return nil, nil, err
	}
	dk, fixed, err := h.payloadKey(ctx, ids, opts)
	if err != nil {
		return h, nil, err
	}
	defer clear(dk)
	r, err := h.openPayload(dk, fixed, src)
	if err != nil {
		return h, nil, err
	}
	return h, r, nil
}

// DecryptAt is Decrypt for random access: the returned ReaderAt decrypts
// only the chunks a read covers, and plainSize is the plaintext's length.
// size is the size of the whole file.
func DecryptAt(ctx context.Context, src io.ReaderAt, size int64, ids []keyprovider.Unwrapper, required map[string]string) (h *Header, r io.ReaderAt, plainSize int64, err error) {
	return DecryptAtWith(ctx, src, size, ids, &OpenOptions{Context: required})
}

// DecryptAtWith is DecryptAt with options. A signed file's signature is
// verified before it returns, which reads and hashes the whole file: random
// access to a signed file costs one sequential read of it up front. The
// returned ReaderAt then releases only bytes that match what was hashed
// (a SHA-256 per MiB is kept): if the file changes afterwards, reads fail
// with ErrChanged.
func DecryptAtWith(ctx context.Context, src io.ReaderAt, size int64, ids []keyprovider.Unwrapper, opts *OpenOptions) (h *Header, r io.ReaderAt, plainSize int64, err error) {
	h, err = Parse(io.NewSectionReader(src, 0, min(size, MaxHeaderSize)))
	if err != nil {
		return nil, nil, 0, err
	}
	dk, fixed, err := h.payloadKey(ctx, ids, opts)
	if err != nil {
		return h, nil, 0, err
	}
	defer clear(dk)
	n, payload, err := h.verifyAt(src, size)
	if err != nil {
		return h, nil, 0, err
	}
	ra, err := stream.NewReaderAt(dk, payload, n, fixed)
	if err != nil {
		return h, nil, 0, err
	}
	return h, ra, ra.Size(), nil
}

// payloadKey is what both decryption paths need before touching the
// payload: the required context checked, the data key unwrapped and the
// header authenticated, and the payload's key-derivation context. The
// caller clears the data key.
func (h *Header) payloadKey(ctx context.Context, ids []keyprovider.Unwrapper, opts *OpenOptions) (dk, fixed []byte, err error) {
	if err := opts.check(h); err != nil {
		return nil, nil, err
	}
	if dk, err = h.DataKey(ctx, ids); err != nil {
		return nil, nil, err
	}
	if fixed, err = h.fixedFields(); err != nil {
		clear(dk)
		return nil, nil, err
	}
	return dk, fixed, nil
}
