package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"strings"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// lockedSealed is a sealed file opened to be changed in place by edit, set
// or unset: locked against every other in-place writer (see inPlaceLock),
// its header parsed, its payload next to read.
type lockedSealed struct {
	path    string // the file replaced (a symbolic link's target)
	lock    *inPlaceLock
	armored bool
	h       *envelope.Header
	prefix  []byte        // the payload's salt and key commitment
	rest    io.Reader     // the payload after prefix
	signer  crypto.Signer // re-signs a signed file (resignWith)
}

// resignWith opens --sign-with for cmd and checks it against the file,
// before any key is used or editor started: a signed file can be changed
// only by re-signing it with its own signer's key (its signer block and
// certificates stay), and an unsigned file is not signed by changing it.
func (s *lockedSealed) resignWith(ctx context.Context, ios *IOStreams, cmd, uri string) error {
	switch {
	case s.h.Signer == nil && uri == "":
		return nil
	case s.h.Signer == nil:
		return usageErrorf("to sign it, re-seal it: envseal open -k KEY FILE | envseal seal -k KEY... --sign-with URI -o NEW",
			"%s is not signed: %s --sign-with re-signs a signed file", displayString(s.path), cmd)
	case uri == "":
		return withHint(fmt.Errorf("%s: %w", displayString(s.path), envelope.ErrSigned),
			"pass --sign-with URI, the file's signing key ("+envseal.KeyFingerprint(s.h.Signer.PublicKey)+"), to re-sign it")
	}
	signer, err := openSigner(ctx, ios, uri)
	if err != nil {
		return err
	}
	spki, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil || !bytes.Equal(spki, s.h.Signer.PublicKey) {
		return withHint(fmt.Errorf("--sign-with %s: %w, %s", displayString(uri), envelope.ErrNotSigner, envseal.KeyFingerprint(s.h.Signer.PublicKey)),
			"a file keeps its signer when it changes; to sign it with another key, re-seal it")
	}
	s.signer = signer
	return nil
}

// lockSealed opens path for cmd (edit, set, unset) to change in place, or
// fails if another envseal is changing it.
func lockSealed(ctx context.Context, cmd, path string) (*lockedSealed, error) {
	path = inPlaceTarget(path)
	if err := checkSingleLinkFor(cmd, path); err != nil {
		return nil, err
	}
	l, err := lockInPlace(path)
	if err != nil {
		return nil, err
	}
	s, err := parseLocked(ctx, l)
	if err != nil {
		l.Close()
		return nil, err
	}
	return s, nil
}

func parseLocked(ctx context.Context, l *inPlaceLock) (s *lockedSealed, err error) {
	br := bufio.NewReaderSize(ctxReader{ctx, l.f}, 64<<10)
	s = &lockedSealed{path: l.path, lock: l, armored: armor.IsArmored(br)}
	var src io.Reader = br
	if s.armored {
		src = bufio.NewReaderSize(armor.NewReader(br), 64<<10)
	}
	if s.h, err = envelope.Parse(src); err != nil {
		return nil, err
	}
	if s.prefix, err = readPrefix(src); err != nil {
		return nil, err
	}
	s.rest = src
	return s, nil
}

// Close releases the lock.
func (s *lockedSealed) Close() error { return s.lock.Close() }

// dataKey unwraps the file's data key with one of ids; the header is
// authenticated with it. The caller clears it.
func (s *lockedSealed) dataKey(ctx context.Context, ids []keyprovider.Unwrapper) ([]byte, error) {
	if err := checkSigner(ctx, s.h); err != nil {
		return nil, err
	}
	return s.h.DataKey(ctx, ids)
}

// plaintext returns a reader of the authenticated plaintext. Read it to
// io.EOF before trusting it: a later chunk may still fail.
func (s *lockedSealed) plaintext(ctx context.Context, dk []byte) (io.Reader, error) {
	r, err := s.h.OpenPayload(dk, io.MultiReader(bytes.NewReader(s.prefix), s.rest))
	if err != nil {
		return nil, err
	}
	return noteUnverifiedSigner(ctx, s.h, r), nil
}

// rotation is a new header and data key for --rotate-data-key, made
// before the editor opens so that a missing recipient key is reported
// before any editing is done.
type rotation struct {
	h  *envelope.Header
	dk []byte
}

func (r *rotation) clear() {
	if r != nil {
		clear(r.dk)
	}
}

// rotate makes a new data key wrapped for each of keys, which must be
// exactly the file's recipients (by stanza type and key id): the point is
// a new data key for the same people, so a recipient left out is refused,
// naming its key id, and so is a key that is not a recipient (that is
// rewrap --add's job). KMS keys make the new stanza with Encrypt (or
// GenerateDataKey), so this needs each recipient's permission to wrap.
func (s *lockedSealed) rotate(ctx context.Context, keys []keyprovider.Wrapper) (*rotation, error) {
	// A signed file stays signed, by the same signer block: resignWith
	// has the key that signs the new file.
	newHeader := envelope.NewHeader
	if s.h.Signer != nil {
		newHeader = func(ctx context.Context, keys []keyprovider.Wrapper, c map[string]string) (*envelope.Header, []byte, error) {
			return envelope.NewSignedHeader(ctx, keys, c, s.h.Signer)
		}
	}
	nh, dk, err := newHeader(ctx, keys, s.h.Context)
	if err != nil {
		return nil, err
	}
	type id struct{ typ, keyID string }
	have := map[id]bool{}
	for _, st := range nh.Stanzas {
		have[id{st.Type, st.KeyID}] = true
	}
	want := map[id]bool{}
	var missing []string
	for _, st := range s.h.Stanzas {
		k := id{st.Type, st.KeyID}
		if !want[k] && !have[k] {
			missing = append(missing, st.KeyID)
		}
		want[k] = true
	}
	var extra []string
	for _, st := range nh.Stanzas {
		if !want[id{st.Type, st.KeyID}] {
			extra = append(extra, st.KeyID)
		}
	}
	switch {
	case len(missing) > 0:
		clear(dk)
		return nil, usageErrorf("pass --key for every recipient ('envseal inspect "+s.path+"' lists them), or drop one first with 'envseal rewrap --remove KEY-ID'",
			"--rotate-data-key needs every recipient's key; missing: %s", strings.Join(missing, ", "))
	case len(extra) > 0:
		clear(dk)
		return nil, usageErrorf("add recipients with 'envseal rewrap --add URI', then rotate",
			"--rotate-data-key keeps the recipients; not a recipient of %s: %s", s.path, strings.Join(extra, ", "))
	}
	return &rotation{h: nh, dk: dk}, nil
}

// replace writes plain as the file's new content, atomically: a temp file
// beside it that is renamed over it only once whole (so it holds only
// ciphertext). Without rot the header is kept byte for byte and only the
// payload is new (envelope.Reencrypt); with it, the new header and data
// key are used. Armor and permission bits are kept.
func (s *lockedSealed) replace(ctx context.Context, dk []byte, plain io.Reader, rot *rotation) error {
	// The lock keeps other envseal commands out, not git checkout or the
	// user's editor: fail before encrypting when the file changed while
	// the editor was open (createOutput checks again before the rename).
	if err := s.lock.unchanged(); err != nil {
		return err
	}
	out, err := createOutput(s.path, true, s.lock.fi.Mode().Perm())
	if err != nil {
		return err
	}
	if err := s.writeTo(out, dk, ctxReader{ctx, plain}, rot); err != nil {
		out.abort()
		return err
	}
	return out.commit()
}

func (s *lockedSealed) writeTo(out io.Writer, dk []byte, plain io.Reader, rot *rotation) error {
	var aw *armor.Writer
	if s.armored {
		aw = armor.NewWriter(out)
		out = aw
	}
	var w io.WriteCloser
	var err error
	switch {
	case rot != nil && s.signer != nil:
		w, err = rot.h.NewSignedPayload(out, rot.dk, s.signer)
	case rot != nil:
		w, err = rot.h.NewPayload(out, rot.dk)
	case s.signer != nil:
		w, err = envelope.ReencryptSigned(s.h, dk, s.prefix, out, s.signer)
	default:
		w, err = envelope.Reencrypt(s.h, dk, s.prefix, out)
	}
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, plain); err != nil {
		return fmt.Errorf("failed to seal: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("failed to seal: %w", err)
	}
	if aw != nil {
		return aw.Close()
	}
	return nil
}

// resealKeys opens the --key URIs (or $ENVSEAL_KEY) for cmd: as
// identities, and with rotate also as recipients.
func resealKeys(ctx context.Context, ios *IOStreams, cmd string, flags []string, rotate bool) ([]keyprovider.Unwrapper, []keyprovider.Wrapper, error) {
	uris := keyURIs(flags)
	if len(uris) == 0 {
		return nil, nil, errNoKey(cmd)
	}
	keys, err := openKeys(ctx, uris, providerOptions(ios))
	if err != nil {
		return nil, nil, err
	}
	// A key that can only wrap (a public key) may be among the
	// recipients --rotate-data-key needs; one key must still open the file.
	var ids []keyprovider.Unwrapper
	for _, k := range keys {
		if u, ok := k.(keyprovider.Unwrapper); ok {
			ids = append(ids, u)
		}
	}
	if len(ids) == 0 {
		_, err := unwrappers(keys)
		return nil, nil, err
	}
	if !rotate {
		return ids, nil, nil
	}
	ws, err := wrappers(keys)
	return ids, ws, err
}
