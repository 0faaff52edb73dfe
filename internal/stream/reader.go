package stream

import (
	"errors"
	"fmt"
	"io"
)

// Reader opens a sealed stream. It releases plaintext only one
// authenticated chunk at a time and returns a sticky error at the first
// chunk that fails, after the plaintext of every chunk before it.
//
// It reads ahead a few batches of up to 512 KiB and opens them on every core
// (GOMAXPROCS). The reads happen in Read and WriteTo, never in the
// background, so a Reader that is dropped before the end needs no Close:
// what it leaves in flight finishes on its own within a batch's worth of
// AES-GCM.
type Reader struct {
	src     io.Reader
	k       *keys
	p       pipeline
	cur     *batch // the batch plain comes from
	plain   []byte // authenticated plaintext not yet returned
	chunks  int    // size of the next batch read; doubles up to batchChunks so a slow source starts flowing soon
	counter uint64 // index of the first chunk of the next batch read
	srcDone bool   // the final batch (or a read error) is queued
	err     error  // sticky, once plain is returned; io.EOF after the final chunk

	// During WriteTo, batches write themselves to dst in order; werr is
	// their first failure, touched only by writeBatch.
	dst  io.Writer
	werr error
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
	return &Reader{src: src, k: k, p: newPipeline(k.openBatch, nil), chunks: 1}, nil
}

// Read returns authenticated plaintext. It returns io.EOF only after the
// final chunk authenticated and the source ended right after it.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			r.recycle()
			return 0, r.err
		}
		r.advance()
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// advance makes the oldest batch in flight the current one, reading ahead
// first so that the cores have work while the caller consumes it. A batch
// that failed sets the sticky error, returned once its plaintext (the
// chunks before the failure) has been.
func (r *Reader) advance() {
	r.drop()
	r.readAhead()
	r.take()
}

// drop gives the current batch, all returned, back for reuse.
func (r *Reader) drop() {
	if r.cur != nil {
		r.p.put(r.cur)
		r.cur, r.plain = nil, nil
	}
}

// take makes the oldest batch in flight the current one.
func (r *Reader) take() {
	b := r.p.next()
	r.cur, r.plain = b, b.out
	switch {
	case b.err != nil:
		r.err = b.err
	case b.final:
		r.err = io.EOF
	default:
		return
	}
	// Nothing more will be read: give back the buffers, and drop whatever
	// was read ahead past a failure.
	r.p.release()
}

// recycle gives the current batch back to the pool once the sticky error
// is all that is left to return.
func (r *Reader) recycle() {
	if r.cur != nil {
		batchPool.Put(r.cur)
		r.cur, r.plain = nil, nil
	}
}

// readAhead reads and submits batches until the pipeline is full or the
// source ended. Every batch but the final one is whole chunks.
func (r *Reader) readAhead() {
	for !r.srcDone && !r.p.full() {
		b := r.p.get()
		n, err := readFull(r.src, b.buf[:r.chunks*EncChunkSize])
		b.in, b.counter = b.buf[:n], r.counter
		r.counter += uint64(r.chunks)
		r.chunks = min(2*r.chunks, batchChunks)
		switch {
		case err == nil:
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			// A short read from a source that itself reports a cut is a
			// truncation too; authentication decides, as at a clean EOF.
			b.final, r.srcDone = true, true
		default:
			// Release the batches before, then fail: the error batch
			// opens nothing.
			b.in, b.err, r.srcDone = nil, fmt.Errorf("failed to read payload: %w", err), true
		}
		r.p.submit(b, r.srcDone && r.p.empty())
	}
}
