package envelope

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// Encrypt writes a header for recipients to dst and returns a writer for the
// plaintext. The caller must Close it to finish the payload; an unclosed
// payload reads back as truncated, never as a shorter valid file.
//
// One data key is made per file. If a recipient is a Generator (a KMS key),
// the first one makes the data key and the rest wrap it; otherwise it comes
// from crypto/rand.
func Encrypt(ctx context.Context, dst io.Writer, recipients []keyprovider.Wrapper, encCtx map[string]string) (io.WriteCloser, error) {
	return EncryptWith(ctx, dst, recipients, encCtx, nil)
}

// SealOptions are the optional settings of EncryptWith.
type SealOptions struct {
	// Signer, if set, makes a signed file (format version 2): Close signs
	// a running hash of every byte written and appends the signature.
	Signer crypto.Signer
	// Certificates are DER X.509 certificates embedded with the signer:
	// the signer's own first (for Signer's public key), then
	// intermediates. They need Signer.
	Certificates [][]byte
}

// EncryptWith is Encrypt with options: with opts.Signer, the file is
// signed, still in one streaming pass.
func EncryptWith(ctx context.Context, dst io.Writer, recipients []keyprovider.Wrapper, encCtx map[string]string, opts *SealOptions) (io.WriteCloser, error) {
	var si *SignerInfo
	if opts != nil && opts.Signer != nil {
		var err error
		if si, err = NewSignerInfo(opts.Signer.Public(), opts.Certificates); err != nil {
			return nil, err
		}
	} else if opts != nil && len(opts.Certificates) > 0 {
		return nil, errors.New("certificates need a signer")
	}
	h, dataKey, err := newHeader(ctx, recipients, encCtx, si)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	if si == nil {
		return h.NewPayload(dst, dataKey)
	}
	return h.NewSignedPayload(dst, dataKey, opts.Signer)
}

// NewHeader makes a header for recipients under a fresh data key (see
// Encrypt for where it comes from) and returns it with that data key,
// which the caller encrypts a payload under (NewPayload) and then clears.
func NewHeader(ctx context.Context, recipients []keyprovider.Wrapper, encCtx map[string]string) (*Header, []byte, error) {
	return newHeader(ctx, recipients, encCtx, nil)
}

// NewSignedHeader is NewHeader for a signed file with the signer block
// signer (NewSignerInfo, or a parsed header's, to keep a file's signer and
// certificates): write its payload with NewSignedPayload.
func NewSignedHeader(ctx context.Context, recipients []keyprovider.Wrapper, encCtx map[string]string, signer *SignerInfo) (*Header, []byte, error) {
	if signer == nil {
		return nil, nil, errors.New("no signer block")
	}
	return newHeader(ctx, recipients, encCtx, signer)
}

func newHeader(ctx context.Context, recipients []keyprovider.Wrapper, encCtx map[string]string, si *SignerInfo) (*Header, []byte, error) {
	if len(recipients) == 0 {
		return nil, nil, errors.New("no recipients")
	}
	if len(recipients) > MaxStanzas {
		return nil, nil, fmt.Errorf("%d recipients, limit %d", len(recipients), MaxStanzas)
	}
	h := &Header{Context: maps.Clone(encCtx), Signer: si}
	if h.Context == nil {
		h.Context = map[string]string{}
	}
	if err := ValidateContext(h.Context); err != nil {
		return nil, nil, err
	}
	dataKey, err := wrapAll(ctx, h, recipients)
	if err != nil {
		return nil, nil, err
	}
	if err := checkStanzas(h.Stanzas); err != nil {
		clear(dataKey)
		return nil, nil, err
	}
	if h.MAC, err = h.computeMAC(dataKey); err != nil {
		clear(dataKey)
		return nil, nil, err
	}
	h.fresh = bytes.Clone(h.MAC)
	return h, dataKey, nil
}

// NewPayload writes h, a header NewHeader made, to dst and returns a
// writer for a payload under dataKey, with a fresh random salt, so a fresh
// payload key and nonce. The header is written as it is, MAC included;
// dataKey must authenticate it, so that the payload is readable with the
// stanzas that precede it.
//
// A parsed header (or one whose stanzas and MAC were replaced by a parsed
// one's) is refused with ErrNotNewHeader: writing a new payload under a
// file's header is Reencrypt's job, which first checks that the file's
// payload commits to the data key (docs/FORMAT.md, "Re-encrypting a
// payload under the same header"), and this must not be a way around it.
// A signed header needs NewSignedPayload: NewPayload refuses it with
// ErrSigned.
func (h *Header) NewPayload(dst io.Writer, dataKey []byte) (io.WriteCloser, error) {
	if h.fresh == nil || !hmac.Equal(h.fresh, h.MAC) {
		return nil, ErrNotNewHeader
	}
	if h.Signer != nil {
		return nil, ErrSigned
	}
	return h.newPayload(dst, dataKey, nil)
}

// NewSignedPayload is NewPayload for a signed header NewHeader made: the
// returned writer's Close signs the whole file with signer, whose public
// key must be the header's signer key.
func (h *Header) NewSignedPayload(dst io.Writer, dataKey []byte, signer crypto.Signer) (io.WriteCloser, error) {
	if h.fresh == nil || !hmac.Equal(h.fresh, h.MAC) {
		return nil, ErrNotNewHeader
	}
	if h.Signer == nil {
		return nil, errors.New("the header is not a signed one")
	}
	if err := h.checkSigningKey(signer); err != nil {
		return nil, err
	}
	return h.newPayload(dst, dataKey, signer)
}

// ErrNotSigner means a signing key is not the one a signed header names.
var ErrNotSigner = errors.New("the signing key is not the file's signer")

func (h *Header) checkSigningKey(signer crypto.Signer) error {
	spki, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil || !bytes.Equal(spki, h.Signer.PublicKey) {
		return ErrNotSigner
	}
	return nil
}

// newPayload is NewPayload without the check that NewHeader made h: for
// Reencrypt, once it has checked the old payload's commitment.
func (h *Header) newPayload(dst io.Writer, dataKey []byte, signer crypto.Signer) (io.WriteCloser, error) {
	if err := h.verifyMAC(dataKey); err != nil {
		return nil, err
	}
	hdr, err := h.Marshal()
	if err != nil {
		return nil, err
	}
	fixed, err := h.fixedFields()
	if err != nil {
		return nil, err
	}
	out := dst
	var hw *hashWriter
	if signer != nil {
		d, err := h.signedHash()
		if err != nil {
			return nil, err
		}
		hw = &hashWriter{w: dst, h: newAsyncHash(d)}
		out = hw
	}
	if _, err := dst.Write(hdr); err != nil {
		return nil, fmt.Errorf("failed to write header: %w", err)
	}
	w, err := stream.NewWriter(dataKey, out, fixed)
	if err != nil || signer == nil {
		return w, err
	}
	return &signedWriter{WriteCloser: w, hashed: hw, dst: dst, signer: signer, size: h.Signer.SignatureSize}, nil
}

// wrapAll makes the data key and fills h.Stanzas, one per recipient in order.
func wrapAll(ctx context.Context, h *Header, recipients []keyprovider.Wrapper) ([]byte, error) {
	h.Stanzas = make([]*keyprovider.Stanza, len(recipients))
	var dataKey []byte
	for i, r := range recipients {
		g, ok := r.(keyprovider.Generator)
		if !ok {
			continue
		}
		dk, s, err := g.GenerateDataKey(ctx, h.Context)
		if err != nil {
			// Generators are remote services whose errors already say what
			// failed and with which key; another prefix would only repeat it.
			return nil, err
		}
		if len(dk) != keyprovider.DataKeySize {
			clear(dk)
			return nil, fmt.Errorf("backend returned a %d-byte data key", len(dk))
		}
		dataKey, h.Stanzas[i] = dk, s
		break
	}
	if dataKey == nil {
		dataKey = make([]byte, keyprovider.DataKeySize)
		if _, err := rand.Read(dataKey); err != nil {
			return nil, err
		}
	}
	for i, r := range recipients {
		if h.Stanzas[i] != nil {
			continue
		}
		s, err := r.Wrap(ctx, dataKey, h.Context)
		if err != nil {
			clear(dataKey)
			return nil, fmt.Errorf("failed to wrap data key: %w", err)
		}
		h.Stanzas[i] = s
	}
	return dataKey, nil
}
