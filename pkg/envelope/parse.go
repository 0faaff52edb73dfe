package envelope

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// parser reads header fields with a sticky error and a running size check,
// so every length is bounded before anything is allocated for it.
type parser struct {
	r   io.Reader
	raw []byte // every byte read, for the MAC and the size
	err error
}

func (p *parser) read(n int) []byte {
	if p.err != nil {
		return nil
	}
	if len(p.raw)+n > MaxHeaderSize {
		p.err = malformed("header exceeds %d bytes", MaxHeaderSize)
		return nil
	}
	start := len(p.raw)
	p.raw = append(p.raw, make([]byte, n)...)
	if _, err := io.ReadFull(p.r, p.raw[start:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = malformed("header is truncated")
		}
		p.err = err
		return nil
	}
	return p.raw[start:]
}

func (p *parser) u8() int {
	b := p.read(1)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (p *parser) u16() int {
	b := p.read(2)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(b))
}

// str reads a length-prefixed field whose length must be in [lo, hi].
func (p *parser) field(n, lo, hi int, what string) []byte {
	if p.err == nil && (n < lo || n > hi) {
		p.err = malformed("%s length %d, want %d to %d", what, n, lo, hi)
	}
	return p.read(n)
}

// Parse reads exactly one header from r and leaves r at the payload. It is
// strict: every field is checked against the format's limits and rules, and
// only one encoding of any header is accepted.
func Parse(r io.Reader) (*Header, error) {
	p := &parser{r: r}
	version, err := checkMagic(p)
	if err != nil {
		return nil, err
	}
	h := &Header{Context: map[string]string{}}
	parseContext(p, h)
	parseStanzas(p, h)
	if version == VersionSigned {
		parseSigner(p, h)
	}
	fields := len(p.raw)
	h.MAC = bytes.Clone(p.read(MACSize))
	if p.err != nil {
		return nil, p.err
	}
	h.size = int64(fields + MACSize)
	return h, nil
}

// checkMagic reads magic, version and algorithm and returns the version:
// Version, or VersionSigned for a signed file.
func checkMagic(p *parser) (int, error) {
	magic := p.read(len(Magic))
	if p.err != nil {
		if errors.Is(p.err, ErrMalformed) {
			return 0, ErrNotEnvelope
		}
		return 0, p.err
	}
	if string(magic) != Magic {
		if string(magic) == "Salted_" {
			return 0, ErrLegacyOpenSSL
		}
		return 0, ErrNotEnvelope
	}
	version, alg := p.u8(), p.u8()
	if p.err != nil {
		return 0, p.err
	}
	if (version != Version && version != VersionSigned) || alg != AlgChunkedAES256GCM {
		return 0, &UnsupportedVersionError{Version: byte(version), Algorithm: byte(alg)}
	}
	return version, nil
}

func parseContext(p *parser, h *Header) {
	n := p.u8()
	if p.err == nil && n > MaxContextPairs {
		p.err = malformed("%d context pairs, limit %d", n, MaxContextPairs)
	}
	prev := ""
	for i := 0; i < n && p.err == nil; i++ {
		k := string(p.field(p.u8(), 1, MaxContextKey, "context key"))
		v := string(p.field(p.u16(), 0, MaxContextValue, "context value"))
		if p.err != nil {
			return
		}
		if i > 0 && k <= prev {
			p.err = malformed("context keys are not in strictly ascending order")
			return
		}
		prev = k
		h.Context[k] = v
	}
	if p.err == nil {
		p.err = ValidateContext(h.Context)
	}
}

func parseStanzas(p *parser, h *Header) {
	n := p.u8()
	if p.err == nil && (n == 0 || n > MaxStanzas) {
		p.err = malformed("%d stanzas, want 1 to %d", n, MaxStanzas)
	}
	for i := 0; i < n && p.err == nil; i++ {
		s := &keyprovider.Stanza{}
		s.Type = string(p.field(p.u8(), 1, MaxStanzaType, "stanza type"))
		s.KeyID = string(p.field(p.u16(), 0, MaxKeyID, "stanza key id"))
		s.Body = bytes.Clone(p.field(p.u16(), 1, MaxStanzaBody, "stanza body"))
		if p.err == nil {
			p.err = validateStanza(s)
		}
		h.Stanzas = append(h.Stanzas, s)
	}
}
