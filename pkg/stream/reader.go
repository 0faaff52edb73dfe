package stream

import (
	"errors"
	"fmt"
	"io"
)

// Reader opens a sealed stream. It releases plaintext only one
// authenticated chunk at a time and returns a sticky error at the first
// chunk that fails, after the plaintext of the chunks before it.
type Reader struct {
	src     io.Reader
	k       *keys
	in      []byte // ciphertext buffer, one batch
	plain   []byte // decrypted, not yet returned plaintext
	spare   []byte // backing array for plain
	counter uint64
	err     error // sticky; io.EOF after the final chunk
}

// NewReader reads the salt and commitment from src, derives the payload
// keys and checks the commitment before any chunk is read.
func NewReader(key []byte, src io.Reader, context []byte) (*Reader, error) {
	prefix := make([]byte, PrefixSize)
	if _, err := io.ReadFull(src, prefix); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrTruncated
		}
		return nil, err
	}
	k, err := deriveKeys(key, prefix[:SaltSize], context)
	if err != nil {
		return nil, err
	}
	if err := k.checkCommitment(prefix[SaltSize:]); err != nil {
		return nil, err
	}
	return &Reader{src: src, k: k}, nil
}

// Read returns authenticated plaintext. It returns io.EOF only after the
// final chunk authenticated and the source ended right after it.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.fill()
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// fill reads up to one batch of chunks and decrypts them in order. The
// batch starts at one chunk and doubles up to batchChunks, so small inputs
// stay cheap and large ones get few, large reads.
func (r *Reader) fill() {
	if len(r.in) < batchChunks*EncChunkSize {
		chunks := min(max(2*len(r.in)/EncChunkSize, 1), batchChunks)
		r.in = make([]byte, chunks*EncChunkSize)
		r.spare = make([]byte, chunks*ChunkSize)
	}
	n, err := io.ReadFull(r.src, r.in)
	final := false
	switch {
	case err == nil:
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		final = true
	default:
		r.err = fmt.Errorf("failed to read payload: %w", err)
		return
	}
	data := r.in[:n]
	r.plain = r.spare[:0]
	for len(data) >= EncChunkSize {
		if !r.openChunk(data[:EncChunkSize]) {
			return
		}
		data = data[EncChunkSize:]
	}
	if !final {
		return
	}
	switch {
	case len(data) == 0 || len(data) < TagSize:
		// A full chunk is never last: the short final chunk is missing or
		// was cut inside its tag.
		r.err = ErrTruncated
	case r.openChunk(data):
		r.err = io.EOF
	}
}

func (r *Reader) openChunk(c []byte) bool {
	if r.counter >= maxChunks {
		r.err = ErrTooLarge
		return false
	}
	out, err := r.k.open(r.plain[len(r.plain):], c, r.counter)
	if err != nil {
		r.err = err
		return false
	}
	r.plain = r.plain[:len(r.plain)+len(out)]
	r.counter++
	return true
}
