package envseal

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// RewrapOptions say how Rewrap changes a file's recipients.
type RewrapOptions struct {
	// Add are new recipients: each gets a stanza for the file's data key.
	// A recipient whose stanza has the type and key id of one the file
	// already holds replaces it (see RewrapHeader).
	Add []keyprovider.Wrapper
	// Remove are key ids (as Inspect reports them) whose stanzas are dropped.
	Remove []string
	// FallBack decides, for a recipient that can re-wrap inside its key
	// service (a keyprovider.Rewrapper such as AWS KMS ReEncrypt) but failed
	// to, whether to wrap the data key directly instead. Nil never falls
	// back; ErrNotMine (the service cannot start from that stanza) always
	// does.
	FallBack func(error) bool
	// Signer re-signs a signed file: its public key must be the file's
	// signer key, whose signer block (and certificates) the file keeps.
	// The payload is copied and hashed, and the old signature verified on
	// the way.
	Signer crypto.Signer
	// DropSignature makes a signed file an unsigned one: that changes the
	// payload's key derivation, so the payload is decrypted (its
	// signature verified) and encrypted again under the same data key.
	DropSignature bool
}

// ErrNotSignedFile is returned for Signer or DropSignature on an
// unsigned file.
var ErrNotSignedFile = errors.New("the file is not signed")

// UnknownKeyIDError is returned when RewrapOptions.Remove names a key id
// the file has no stanza for: a typo must not pass for a revocation.
type UnknownKeyIDError struct {
	KeyID string
}

func (e *UnknownKeyIDError) Error() string {
	return fmt.Sprintf("the file has no recipient with key id %q", e.KeyID)
}

// ErrNoRecipients is returned when a rewrap would leave no recipient.
var ErrNoRecipients = errors.New("rewrap would leave the file with no recipients")

// Rewrap copies the file in src to dst with its recipients changed. The data
// key is unwrapped with one of identities and wrapped for each added
// recipient; the header gets a new MAC and the payload is copied byte for
// byte, never decrypted, so this is fast at any size (a signed file, with
// opts.Signer, is read whole to be signed again; with opts.DropSignature,
// decrypted and encrypted again). Armor is kept. On
// error dst may already hold part of the new file: write to a temporary
// file and rename it into place only when Rewrap returned nil.
func Rewrap(ctx context.Context, dst io.Writer, src io.Reader, identities []keyprovider.Unwrapper, opts *RewrapOptions) error {
	if opts == nil {
		opts = &RewrapOptions{}
	}
	src, armored := dearmor(src)
	h, err := envelope.Parse(src)
	if err != nil {
		return err
	}
	prefix, err := readPrefix(src)
	if err != nil {
		return err
	}
	nh, err := RewrapHeader(ctx, h, prefix, identities, opts)
	if err != nil {
		return err
	}
	return writeEnvelope(dst, nh, io.MultiReader(bytes.NewReader(prefix), src), armored)
}

// RewrapHeader is Rewrap on a parsed header: it returns the new header, to
// be followed by the payload that followed h, unchanged. prefix is the
// first envelope.PayloadPrefixSize bytes of that payload: its key
// commitment must match the data key, so that the new header is never
// made for a payload that does not belong to h.
func RewrapHeader(ctx context.Context, h *envelope.Header, prefix []byte, identities []keyprovider.Unwrapper, opts *RewrapOptions) (*envelope.Header, error) {
	if opts == nil {
		opts = &RewrapOptions{}
	}
	switch {
	case opts.Signer != nil && opts.DropSignature:
		return nil, errors.New("rewrap: Signer and DropSignature cannot be combined")
	case h.Signer == nil && (opts.Signer != nil || opts.DropSignature):
		return nil, ErrNotSignedFile
	}
	dk, from, err := h.UnwrapDataKey(ctx, identities)
	if err != nil {
		return nil, err
	}
	defer clear(dk)
	kept, err := keepStanzas(h.Stanzas, opts.Remove)
	if err != nil {
		return nil, err
	}
	for _, w := range opts.Add {
		s, err := wrapFor(ctx, w, dk, from, h.Context, opts.FallBack)
		if err != nil {
			return nil, fmt.Errorf("failed to wrap data key: %w", err)
		}
		kept = replaceOrAppend(kept, s)
	}
	if len(kept) == 0 {
		return nil, ErrNoRecipients
	}
	// A signed file's stanzas are signed bytes: without Signer or
	// DropSignature, Rewrap refuses it with envelope.ErrSigned.
	switch {
	case h.Signer != nil && opts.Signer != nil:
		return envelope.RewrapResigned(h, dk, kept, prefix, opts.Signer)
	case h.Signer != nil && opts.DropSignature:
		return envelope.RewrapUnsigned(h, dk, kept, prefix)
	}
	return envelope.Rewrap(h, dk, kept, prefix)
}

// replaceOrAppend adds s to stanzas, in place of the stanza with its type
// and key id if there is one. A header may not hold two (readers try a key
// once per type and key id, so the second would never be tried), and
// adding a recipient the file already has then means what it says: the
// file is sealed to it afresh, which also mends a stanza once made from a
// stale export of that key. Adding again is thus a no-op in effect, as a
// rotation rerun over a tree of files expects.
func replaceOrAppend(stanzas []*keyprovider.Stanza, s *keyprovider.Stanza) []*keyprovider.Stanza {
	for i, old := range stanzas {
		if old.Type == s.Type && old.KeyID == s.KeyID {
			stanzas[i] = s
			return stanzas
		}
	}
	return append(stanzas, s)
}

// readPrefix reads the payload's salt and key commitment. A payload too
// short to have them is truncated.
func readPrefix(src io.Reader) ([]byte, error) {
	prefix := make([]byte, envelope.PayloadPrefixSize)
	if _, err := io.ReadFull(src, prefix); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, stream.ErrTruncated
		}
		return nil, fmt.Errorf("failed to read payload: %w", err)
	}
	return prefix, nil
}

// wrapFor makes w's stanza, inside the key service from the stanza the data
// key came from when w can (so the data key is not sent to it again), else
// with w.Wrap. The data key was checked against the header MAC before, so
// falling back to Wrap is always safe.
func wrapFor(ctx context.Context, w keyprovider.Wrapper, dk []byte, from *keyprovider.Stanza,
	encCtx map[string]string, fallBack func(error) bool) (*keyprovider.Stanza, error) {
	if rw, ok := w.(keyprovider.Rewrapper); ok {
		s, err := rw.Rewrap(ctx, from, encCtx)
		if err == nil {
			return s, nil
		}
		// FallBack is asked first, even for ErrNotMine, so that it sees (and
		// can report) every failure it falls back on.
		if !(fallBack != nil && fallBack(err)) && !errors.Is(err, keyprovider.ErrNotMine) {
			return nil, err
		}
	}
	return w.Wrap(ctx, dk, encCtx)
}

// keepStanzas drops the stanzas whose key id is in remove; every id in
// remove must name at least one.
func keepStanzas(stanzas []*keyprovider.Stanza, remove []string) ([]*keyprovider.Stanza, error) {
	var kept []*keyprovider.Stanza
	found := map[string]bool{}
	for _, s := range stanzas {
		if slices.Contains(remove, s.KeyID) {
			found[s.KeyID] = true
			continue
		}
		kept = append(kept, s)
	}
	for _, id := range remove {
		if !found[id] {
			return nil, &UnknownKeyIDError{KeyID: id}
		}
	}
	return kept, nil
}

// writeEnvelope writes h and then the payload, armored if asked.
func writeEnvelope(dst io.Writer, h *envelope.Header, payload io.Reader, armored bool) error {
	hdr, err := h.Marshal()
	if err != nil {
		return err
	}
	var aw *armor.Writer
	if armored {
		aw = armor.NewWriter(dst)
		dst = aw
	}
	if _, err := dst.Write(hdr); err != nil {
		return fmt.Errorf("failed to write header: %w", err)
	}
	if err := h.WritePayload(dst, payload); err != nil {
		return err
	}
	if aw != nil {
		return aw.Close()
	}
	return nil
}
