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
	if err := readAt(src, prefix, 0); err != nil {
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
	last := r.nChunks - 1
	ct, err := r.ciphertext(make([]byte, EncChunkSize), last, last)
	if err != nil {
		return nil, err
	}
	pt, err := k.open(nil, ct, uint64(last))
	clear(pt)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Size returns the authenticated plaintext size.
func (r *ReaderAt) Size() int64 { return r.size }

// ReadAt implements io.ReaderAt. It fetches the ciphertext of up to a
// batch of chunks per call to the source. It is safe for concurrent use.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("stream: negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	want := int(min(int64(len(p)), r.size-off))
	lastChunk := (off + int64(want) - 1) / ChunkSize
	buf := make([]byte, min(lastChunk-off/ChunkSize+1, batchChunks)*EncChunkSize)
	var scratch []byte
	defer func() { clear(scratch[:cap(scratch)]) }()
	n := 0
	for n < want {
		first := (off + int64(n)) / ChunkSize
		last := min(lastChunk, first+batchChunks-1)
		ct, err := r.ciphertext(buf, first, last)
		if err != nil {
			return n, err
		}
		for i := first; i <= last; i++ {
			c := ct[:min(len(ct), EncChunkSize)]
			ct = ct[len(c):]
			skip := int(off + int64(n) - i*ChunkSize)
			m, err := r.openInto(p[n:want], c, i, skip, &scratch)
			n += m
			if err != nil {
				return n, err
			}
		}
	}
	if want < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// openInto opens chunk i and copies its plaintext from byte skip on to p.
// A chunk that p holds whole is opened straight into p: AES-GCM clears
// its output if authentication fails, so p never holds unauthenticated
// bytes.
func (r *ReaderAt) openInto(p, c []byte, i int64, skip int, scratch *[]byte) (int, error) {
	if skip == 0 && len(c)-TagSize <= len(p) {
		out, err := r.k.open(p[:0], c, uint64(i))
		return len(out), err
	}
	if *scratch == nil {
		*scratch = make([]byte, 0, ChunkSize)
	}
	out, err := r.k.open((*scratch)[:0], c, uint64(i))
	if err != nil {
		return 0, err
	}
	return copy(p, out[skip:]), nil
}

// ciphertext reads chunks first to last (inclusive) into buf with one call
// to the source.
func (r *ReaderAt) ciphertext(buf []byte, first, last int64) ([]byte, error) {
	n := (last - first) * EncChunkSize
	if last == r.nChunks-1 {
		n += r.size%ChunkSize + TagSize
	} else {
		n += EncChunkSize
	}
	if err := readAt(r.src, buf[:n], PrefixSize+first*EncChunkSize); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrTruncated
		}
		return nil, fmt.Errorf("failed to read chunk %d: %w", first, err)
	}
	return buf[:n], nil
}

// readAt fills p from src at off. A source may report io.EOF along with
// the last bytes it has; only a short read is an error.
func readAt(src io.ReaderAt, p []byte, off int64) error {
	n, err := src.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return err
}
