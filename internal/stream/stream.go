// Package stream implements c2sp.org/chunked-encryption v1 instantiated with
// SHA-256 and AEAD_AES_256_GCM.
//
// It knows keys and bytes, nothing of envelope headers: the caller supplies
// the 32-byte input key and the context bytes bound into the key derivation.
// A ciphertext is salt (24) || commitment (32) || chunks, each chunk being at
// most 16 KiB of plaintext sealed with the derived key and the base nonce
// XORed with the chunk counter. The final chunk is always shorter than
// 16 KiB (possibly empty), which is what makes truncation detectable.
package stream

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
)

const (
	KeySize        = 32
	ChunkSize      = 16 * 1024
	TagSize        = 16
	SaltSize       = 24
	CommitmentSize = 32
	// PrefixSize is the salt and commitment that precede the first chunk.
	PrefixSize = SaltSize + CommitmentSize
	// EncChunkSize is the size of a full chunk on disk.
	EncChunkSize = ChunkSize + TagSize

	nonceSize = 12
	// maxChunks is the spec's hard limit on the chunk counter (4 PiB).
	maxChunks = 1 << 38

	infoPrefix = "c2sp.org/chunked-encryption@v1+"
	aeadName   = "AEAD_AES_256_GCM"
)

var (
	// ErrCommitment means the key (or context) does not match the one the
	// payload was sealed with; no chunk has been decrypted.
	ErrCommitment = errors.New("payload key commitment mismatch")
	// ErrTruncated means the payload ends before its final (short) chunk.
	ErrTruncated = errors.New("payload is truncated")
	// ErrTooLarge means the chunk counter would pass the format's limit.
	ErrTooLarge = errors.New("payload exceeds the maximum of 2^38 chunks")
)

// ChunkError reports a chunk that failed authentication.
type ChunkError struct {
	Index uint64
}

func (e *ChunkError) Error() string {
	return fmt.Sprintf("chunk %d failed authentication", e.Index)
}

// keys is the per-payload state derived from the input key and salt.
type keys struct {
	aead       cipher.AEAD
	baseNonce  [nonceSize]byte
	commitment [CommitmentSize]byte
}

func deriveKeys(key, salt, context []byte) (*keys, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("stream: key must be %d bytes, got %d", KeySize, len(key))
	}
	info := make([]byte, 0, len(infoPrefix)+len(aeadName)+1+len(salt)+len(context))
	info = append(info, infoPrefix...)
	info = append(info, aeadName...)
	info = append(info, 0)
	info = append(info, salt...)
	info = append(info, context...)
	out, err := hkdf.Expand(sha256.New, key, string(info), KeySize+nonceSize+CommitmentSize)
	if err != nil {
		return nil, fmt.Errorf("failed to derive payload key: %w", err)
	}
	defer clear(out)
	block, err := aes.NewCipher(out[:KeySize])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &keys{aead: aead}
	copy(k.baseNonce[:], out[KeySize:])
	copy(k.commitment[:], out[KeySize+nonceSize:])
	return k, nil
}

// nonce returns the base nonce XORed with counter as a big-endian integer.
func (k *keys) nonce(counter uint64) [nonceSize]byte {
	n := k.baseNonce
	for i := 0; i < 8; i++ {
		n[nonceSize-1-i] ^= byte(counter >> (8 * i))
	}
	return n
}

func (k *keys) checkCommitment(c []byte) error {
	if subtle.ConstantTimeCompare(k.commitment[:], c) != 1 {
		return ErrCommitment
	}
	return nil
}

func (k *keys) seal(dst, plaintext []byte, counter uint64) []byte {
	n := k.nonce(counter)
	return k.aead.Seal(dst, n[:], plaintext, nil)
}

func (k *keys) open(dst, ciphertext []byte, counter uint64) ([]byte, error) {
	n := k.nonce(counter)
	out, err := k.aead.Open(dst, n[:], ciphertext, nil)
	if err != nil {
		return nil, &ChunkError{Index: counter}
	}
	return out, nil
}

// CiphertextSize returns the payload size for a plaintext of n bytes.
func CiphertextSize(n int64) int64 {
	return PrefixSize + (n/ChunkSize)*EncChunkSize + n%ChunkSize + TagSize
}

// PlaintextSize returns the plaintext size for a payload of n bytes, or an
// error if no plaintext seals to exactly n bytes.
func PlaintextSize(n int64) (int64, error) {
	if n < PrefixSize+TagSize {
		return 0, ErrTruncated
	}
	body := n - PrefixSize
	full, rem := body/EncChunkSize, body%EncChunkSize
	if rem < TagSize {
		// rem == 0: the short final chunk is missing; 0 < rem < 16: a chunk
		// cut inside its tag. Both are truncations of a valid payload.
		return 0, ErrTruncated
	}
	return full*ChunkSize + rem - TagSize, nil
}

// CheckPrefix checks that prefix, the first PrefixSize bytes of a payload,
// holds the commitment to the payload key that key and context derive with
// its salt. It decrypts nothing: it is for callers that copy a payload
// without opening it (rewrap), so that they refuse one that key did not
// seal instead of vouching for it.
func CheckPrefix(key, prefix, context []byte) error {
	if len(prefix) < PrefixSize {
		return ErrTruncated
	}
	k, err := deriveKeys(key, prefix[:SaltSize], context)
	if err != nil {
		return err
	}
	return k.checkCommitment(prefix[SaltSize:PrefixSize])
}
