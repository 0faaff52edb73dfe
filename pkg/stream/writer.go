package stream

import (
	"crypto/rand"
	"errors"
	"io"
)

// batchChunks is how many sealed chunks are gathered before one write to
// the destination: per-chunk write syscalls, not the cipher, dominate the
// cost of streaming otherwise.
const batchChunks = 64

// Writer seals a stream. It buffers at most one chunk of plaintext and one
// batch of ciphertext, so memory is constant whatever the input size.
type Writer struct {
	dst     io.Writer
	k       *keys
	buf     []byte // pending plaintext, len < ChunkSize between calls
	out     []byte // sealed chunks not yet written
	counter uint64
	err     error // sticky: once set, every call returns it
}

// NewWriter writes a fresh random salt and the key commitment to dst and
// returns a Writer for the chunks. Close must be called to write the final
// chunk; without it the payload is, correctly, a truncated one.
func NewWriter(key []byte, dst io.Writer, context []byte) (*Writer, error) {
	salt := make([]byte, SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return newWriter(key, salt, dst, context)
}

func newWriter(key, salt []byte, dst io.Writer, context []byte) (*Writer, error) {
	k, err := deriveKeys(key, salt, context)
	if err != nil {
		return nil, err
	}
	prefix := make([]byte, 0, PrefixSize)
	prefix = append(append(prefix, salt...), k.commitment[:]...)
	if _, err := dst.Write(prefix); err != nil {
		return nil, err
	}
	return &Writer{
		dst: dst,
		k:   k,
		buf: make([]byte, 0, ChunkSize),
		out: make([]byte, 0, batchChunks*EncChunkSize),
	}, nil
}

// Write seals every complete chunk it can and writes them in batches. A
// full chunk is never the final one, so it can be sealed at once.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		// Seal straight from p when no partial chunk is pending: no copy.
		if len(w.buf) == 0 && len(p) >= ChunkSize {
			w.sealChunk(p[:ChunkSize])
			p, n = p[ChunkSize:], n+ChunkSize
		} else {
			c := copy(w.buf[len(w.buf):ChunkSize], p)
			w.buf = w.buf[:len(w.buf)+c]
			p, n = p[c:], n+c
			if len(w.buf) == ChunkSize {
				w.sealChunk(w.buf)
				w.buf = w.buf[:0]
			}
		}
		if w.err == nil && len(w.out)+EncChunkSize > cap(w.out) {
			w.flush()
		}
		if w.err != nil {
			return n, w.err
		}
	}
	w.flush()
	return n, w.err
}

func (w *Writer) sealChunk(p []byte) {
	if w.counter >= maxChunks {
		w.err = ErrTooLarge
		return
	}
	w.out = w.k.seal(w.out, p, w.counter)
	w.counter++
}

func (w *Writer) flush() {
	if w.err != nil || len(w.out) == 0 {
		return
	}
	_, w.err = w.dst.Write(w.out)
	w.out = w.out[:0]
}

var errClosed = errors.New("stream: write to closed Writer")

// Close seals the final short chunk (empty if the input was a multiple of
// the chunk size) and writes it. It does not close the destination.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.sealChunk(w.buf)
	w.flush()
	if w.err != nil {
		return w.err
	}
	clear(w.buf[:cap(w.buf)])
	w.err = errClosed
	return nil
}
