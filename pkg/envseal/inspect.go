package envseal

import (
	"fmt"
	"io"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
)

// AlgorithmV1 names format v1's payload algorithm: c2sp.org/chunked-encryption
// v1 with SHA-256 and AEAD_AES_256_GCM, 16 KiB chunks.
const AlgorithmV1 = "chunked-v1-sha256-aes256gcm"

// Info is what Inspect learns about a file without a key. Nothing in it is
// authenticated until the file is opened. Its JSON form is the one
// `envseal inspect --json` prints, a stable interface.
type Info struct {
	FormatVersion int               `json:"format_version"`
	Algorithm     string            `json:"algorithm"`
	Armored       bool              `json:"armored"`
	Context       map[string]string `json:"context"`
	Recipients    []RecipientInfo   `json:"recipients"`
	HeaderBytes   int64             `json:"header_bytes"`
	PayloadBytes  int64             `json:"payload_bytes"`
	// Chunks and PlaintextBytes are set only when LengthConsistent: the
	// payload's length is one a complete file can have.
	Chunks           int64 `json:"chunks"`
	PlaintextBytes   int64 `json:"plaintext_bytes"`
	LengthConsistent bool  `json:"length_consistent"`
	// Signer is the signer block of a signed file (format version 2), nil
	// (omitted) for an unsigned one. It is not verified.
	Signer *SignerInfo `json:"signer,omitempty"`
}

// RecipientInfo describes one stanza: who can open the file.
type RecipientInfo struct {
	Type            string `json:"type"`
	KeyID           string `json:"key_id"`
	WrappedKeyBytes int    `json:"wrapped_key_bytes"`
}

// Inspect parses the header of src (armored or not) and reads the payload
// to size it: the only way to size a pipe or an armored file, and cheap
// next to decrypting.
func Inspect(src io.Reader) (*Info, error) {
	src, armored := dearmor(src)
	h, err := envelope.Parse(src)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(io.Discard, src)
	if err != nil {
		return nil, fmt.Errorf("failed to read payload: %w", err)
	}
	if h.Signer != nil {
		n -= int64(h.Signer.SignatureSize) // the payload ends before the signature
	}
	info := &Info{
		Signer:        signerInfo(h.Signer),
		FormatVersion: int(h.Version()),
		Algorithm:     AlgorithmV1,
		Armored:       armored,
		Context:       h.Context,
		HeaderBytes:   h.Size(),
		PayloadBytes:  n,
	}
	for _, s := range h.Stanzas {
		info.Recipients = append(info.Recipients, RecipientInfo{Type: s.Type, KeyID: s.KeyID, WrappedKeyBytes: len(s.Body)})
	}
	if pt, err := stream.PlaintextSize(n); err == nil {
		info.PlaintextBytes, info.Chunks, info.LengthConsistent = pt, pt/stream.ChunkSize+1, true
	}
	return info, nil
}
