package stream

import (
	"errors"
	"fmt"
	"io"
)

// ReaderAt gives random access to a sealed payload: reading any range
// decrypts only the chunks that cover it. Chunk k of the payload starts at
// PrefixSize + k*EncChunkSize, so locating it is a formula.
type ReaderAt struct {
	src     io.ReaderAt
	k       *keys
	size    int64 // plaintext size, authenticated by the final chunk
	nChunks int64
}

// NewReaderAt checks the commitment, then decrypts the final chunk so that
// the plaintext size is authenticated before any read trusts it.
func NewReaderAt(key []byte, src io.ReaderAt, encSize int64, context []byte) (*ReaderAt, error) {
	size, err := PlaintextSize(encSize)
	if err != nil {
		return nil, err
	}
	prefix := make([]byte, PrefixSize)
	if _, err := src.ReadAt(prefix, 0); err != nil {
		return nil, fmt.Errorf("failed to read payload prefix: %w", err)
	}
	k, err := deriveKeys(key, prefix[:SaltSize], context)
	if err != nil {
		return nil, err
	}
	if err := k.checkCommitment(prefix[SaltSize:]); err != nil {
		return nil, err
	}
	r := &ReaderAt{src: src, k: k, size: size, nChunks: size/ChunkSize + 1}
	if r.nChunks > maxChunks {
		return nil, ErrTooLarge
	}
	if _, err := r.chunk(r.nChunks-1, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// Size returns the authenticated plaintext size.
func (r *ReaderAt) Size() int64 { return r.size }

// chunk reads and decrypts chunk i, appending its plaintext to dst.
func (r *ReaderAt) chunk(i int64, dst []byte) ([]byte, error) {
	encLen := int64(EncChunkSize)
	if i == r.nChunks-1 {
		encLen = r.size%ChunkSize + TagSize
	}
	buf := make([]byte, encLen)
	if _, err := r.src.ReadAt(buf, PrefixSize+i*EncChunkSize); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrTruncated
		}
		return nil, fmt.Errorf("failed to read chunk %d: %w", i, err)
	}
	return r.k.open(dst, buf, uint64(i))
}

// ReadAt implements io.ReaderAt. It is safe for concurrent use.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("stream: negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	n := 0
	plain := make([]byte, 0, ChunkSize)
	for n < len(p) && off < r.size {
		i := off / ChunkSize
		out, err := r.chunk(i, plain[:0])
		if err != nil {
			return n, err
		}
		c := copy(p[n:], out[off%ChunkSize:])
		n += c
		off += int64(c)
	}
	clear(plain[:cap(plain)])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
