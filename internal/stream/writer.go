package stream

import (
	"crypto/rand"
	"errors"
	"io"
)

// Writer seals a stream. Between calls it holds at most one partial chunk
// of plaintext: Write returns only after every full chunk it was given is
// sealed and written.
//
// Chunks are sealed in batches of up to 512 KiB on every core (GOMAXPROCS)
// and written in order, a batch per write, overlapping the caller's next
// read. ReadFrom, which io.Copy uses, also reads up to a batch per read, so
// copying a file costs two syscalls per 512 KiB. The output is
// byte-identical to sealing chunk by chunk.
type Writer struct {
	dst     io.Writer
	k       *keys
	buf     []byte // pending plaintext, len < ChunkSize between calls
	counter uint64 // index of the next chunk to submit
	err     error  // sticky: once set, every call returns it
	p       pipeline

	// werr is the first error of a batch or of dst, as the batches see it:
	// only writeBatch touches it, in batch order.
	werr error
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
	w := &Writer{dst: dst, k: k, buf: make([]byte, 0, ChunkSize)}
	w.p = newPipeline(k.sealBatch, w.writeBatch)
	return w, nil
}

// Write seals every complete chunk it can, straight from p, and writes
// them before returning; the rest of p waits in the Writer for more data
// or Close. A full chunk is never the final one, so it can be sealed at once.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	if len(w.buf) > 0 {
		n = copy(w.buf[len(w.buf):ChunkSize], p)
		w.buf, p = w.buf[:len(w.buf)+n], p[n:]
		if len(w.buf) < ChunkSize {
			return n, nil
		}
		w.enqueue(w.buf, len(p) < ChunkSize)
	}
	full := len(p) - len(p)%ChunkSize
	for off := 0; off < full && w.err == nil; {
		end := min(off+batchChunks*ChunkSize, full)
		w.enqueue(p[off:end], end == full)
		off = end
	}
	// Drain before touching w.buf again: a batch may be sealing from it.
	w.drain()
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf[:0], p[full:]...)
	return n + len(p), nil
}

// enqueue submits whole chunks of plaintext for sealing.
func (w *Writer) enqueue(p []byte, inline bool) {
	b := w.p.get()
	b.in = p
	w.submit(b, inline)
}

// submit numbers b's chunks and hands it to the pipeline, first retiring
// the oldest batches while the pipeline is full.
func (w *Writer) submit(b *batch, inline bool) {
	for w.p.full() {
		w.retire()
	}
	if w.err != nil {
		w.p.put(b)
		return
	}
	b.counter = w.counter
	w.counter += uint64(len(b.in) / ChunkSize)
	w.p.submit(b, inline)
}

// writeBatch writes a sealed batch to dst. It is the pipeline's finish
// step, so batches write in order, each on the goroutine that sealed it
// (or one of its own): the writes overlap the caller's next reads. After
// a failure, later batches write nothing and carry the error.
func (w *Writer) writeBatch(b *batch) {
	if w.werr == nil {
		w.werr = b.err
	}
	if w.werr == nil {
		n, err := w.dst.Write(b.out)
		if err == nil && n < len(b.out) {
			err = io.ErrShortWrite
		}
		w.werr = err
	}
	b.err = w.werr
}

// retire waits for the oldest batch to be written and takes its error.
func (w *Writer) retire() {
	b := w.p.next()
	if w.err == nil {
		w.err = b.err
	}
	w.p.put(b)
}

// retireReady retires the batches at the head of the queue that are
// already written, without waiting for the rest.
func (w *Writer) retireReady() {
	for w.p.ready() {
		w.retire()
	}
}

// drain waits for every batch in flight to be written. Afterwards no
// goroutine is working for the Writer, even after an error.
func (w *Writer) drain() {
	for !w.p.empty() {
		w.retire()
	}
}

var errClosed = errors.New("stream: write to closed Writer")

// Close seals the final short chunk (empty if the input was a multiple of
// the chunk size) and writes it. It does not close the destination.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	b := w.p.get()
	b.in, b.final = w.buf, true
	w.submit(b, true)
	w.drain()
	if w.err != nil {
		return w.err
	}
	clear(w.buf[:cap(w.buf)])
	w.p.release()
	w.err = errClosed
	return nil
}
