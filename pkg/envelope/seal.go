package envelope

import (
	"context"
	"crypto/rand"
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
	h, dataKey, err := NewHeader(ctx, recipients, encCtx)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	return h.NewPayload(dst, dataKey)
}

// NewHeader makes a header for recipients under a fresh data key (see
// Encrypt for where it comes from) and returns it with that data key,
// which the caller encrypts a payload under (NewPayload) and then clears.
func NewHeader(ctx context.Context, recipients []keyprovider.Wrapper, encCtx map[string]string) (*Header, []byte, error) {
	if len(recipients) == 0 {
		return nil, nil, errors.New("no recipients")
	}
	if len(recipients) > MaxStanzas {
		return nil, nil, fmt.Errorf("%d recipients, limit %d", len(recipients), MaxStanzas)
	}
	h := &Header{Context: maps.Clone(encCtx)}
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
	return h, dataKey, nil
}

// NewPayload writes h to dst and returns a writer for a new payload under
// dataKey, with a fresh random salt, so a fresh payload key and nonce
// (docs/FORMAT.md, "Re-encrypting a payload under the same header"). The
// header is written as it is, MAC included; dataKey must authenticate it,
// so that the payload is readable with the stanzas that precede it.
func (h *Header) NewPayload(dst io.Writer, dataKey []byte) (io.WriteCloser, error) {
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
	if _, err := dst.Write(hdr); err != nil {
		return nil, fmt.Errorf("failed to write header: %w", err)
	}
	return stream.NewWriter(dataKey, dst, fixed)
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
