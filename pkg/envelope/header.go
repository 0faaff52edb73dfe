// Package envelope owns the bytes of an envseal file on disk: the header
// (magic, version, algorithm, encryption context, recipient stanzas, header
// MAC) and how it is tied to the chunked payload that follows it.
//
// docs/FORMAT.md is the normative description of the encoding below.
package envelope

import (
	"encoding/binary"
	"sort"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Header is a parsed or to-be-written envelope header.
type Header struct {
	// Context is the encryption context: bound into the payload key
	// derivation, the header MAC and (by backends that can) the key wrap.
	Context map[string]string
	// Stanzas hold the data key, wrapped once per recipient.
	Stanzas []*keyprovider.Stanza
	// MAC is HMAC-SHA256 of everything before it, under a key derived from
	// the data key.
	MAC []byte
	// Signer is the signer block of a signed file (format version 2), nil
	// for an unsigned one. The MAC covers it.
	Signer *SignerInfo

	size int64 // encoded size, set by Parse and Marshal
	// fresh is the MAC NewHeader made, nil for a parsed header: what
	// NewPayload tells its headers by (see NewPayload).
	fresh []byte
	// rewrite, for a header RewrapResigned or RewrapUnsigned made, is what
	// WritePayload needs to make its payload.
	rewrite *rewrite
}

// Size returns the encoded size of the header: the payload starts there.
func (h *Header) Size() int64 { return h.size }

// Version returns the format version the header is encoded with: 2
// (VersionSigned) for a signed file, 1 otherwise.
func (h *Header) Version() byte {
	if h.Signer != nil {
		return VersionSigned
	}
	return Version
}

// ContextKeys returns the context keys in their canonical (sorted) order.
func (h *Header) ContextKeys() []string {
	keys := make([]string, 0, len(h.Context))
	for k := range h.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fixedFields encodes magic, version, algorithm and context: the part of
// the header that is the payload's key-derivation context. Stanzas are left
// out on purpose, so that recipients can change without re-encrypting.
func (h *Header) fixedFields() ([]byte, error) {
	if err := ValidateContext(h.Context); err != nil {
		return nil, err
	}
	b := append([]byte(Magic), h.Version(), AlgChunkedAES256GCM, byte(len(h.Context)))
	for _, k := range h.ContextKeys() {
		v := h.Context[k]
		b = append(b, byte(len(k)))
		b = append(b, k...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
	}
	return b, nil
}

// macInput encodes the whole header but the MAC.
func (h *Header) macInput() ([]byte, error) {
	b, err := h.fixedFields()
	if err != nil {
		return nil, err
	}
	if len(h.Stanzas) == 0 || len(h.Stanzas) > MaxStanzas {
		return nil, malformed("%d stanzas, want 1 to %d", len(h.Stanzas), MaxStanzas)
	}
	b = append(b, byte(len(h.Stanzas)))
	for _, s := range h.Stanzas {
		if err := validateStanza(s); err != nil {
			return nil, err
		}
		b = append(b, byte(len(s.Type)))
		b = append(b, s.Type...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(s.KeyID)))
		b = append(b, s.KeyID...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(s.Body)))
		b = append(b, s.Body...)
	}
	if h.Signer != nil {
		if b, err = appendSigner(b, h.Signer); err != nil {
			return nil, err
		}
	}
	if len(b)+MACSize > MaxHeaderSize {
		return nil, malformed("header would be %d bytes, limit %d", len(b)+MACSize, MaxHeaderSize)
	}
	return b, nil
}

// Marshal encodes the header, MAC included.
func (h *Header) Marshal() ([]byte, error) {
	b, err := h.macInput()
	if err != nil {
		return nil, err
	}
	if len(h.MAC) != MACSize {
		return nil, malformed("MAC is %d bytes, want %d", len(h.MAC), MACSize)
	}
	b = append(b, h.MAC...)
	h.size = int64(len(b))
	return b, nil
}
