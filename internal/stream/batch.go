package stream

// batchChunks is how many chunks a batch holds at most: 512 KiB of
// plaintext. Each read and write syscall then moves half a megabyte, which
// is what makes streaming fast (per-chunk syscalls, not the cipher,
// dominate otherwise), and each hand-off to a goroutine buys ~90µs of
// AES-GCM. Larger batches measured no faster, only bigger (see
// docs/performance.md).
const batchChunks = 32

// batch is a run of consecutive chunks sealed or opened as one unit of
// work, on a goroutine of its own or inline.
type batch struct {
	in      []byte          // plaintext (seal) or ciphertext (open); may alias a caller's slice
	out     []byte          // ciphertext (seal) or plaintext (open)
	buf     []byte          // owned storage for in, when in does not alias a caller's slice
	counter uint64          // index of the first chunk
	final   bool            // in ends with the final chunk
	err     error           // first failure; out holds the output of every chunk before it
	done    chan struct{}   // closed when the batch has ended
	after   <-chan struct{} // the previous batch's done, or nil
}

// sealBatch seals b.in into b.out. A batch that is not final holds whole
// chunks only; a final one ends with the short final chunk, maybe empty.
func (k *keys) sealBatch(b *batch) {
	b.out = b.out[:0]
	in, counter := b.in, b.counter
	for {
		n := min(len(in), ChunkSize)
		last := n < ChunkSize
		if last && !b.final {
			return
		}
		if counter >= maxChunks {
			b.err = ErrTooLarge
			return
		}
		b.out = k.seal(b.out, in[:n], counter)
		in, counter = in[n:], counter+1
		if last {
			return
		}
	}
}

// openBatch opens b.in into b.out, stopping at the first chunk that fails
// so that b.out is exactly the plaintext of the chunks before it.
func (k *keys) openBatch(b *batch) {
	b.out = b.out[:0]
	in, counter := b.in, b.counter
	for {
		n := min(len(in), EncChunkSize)
		last := n < EncChunkSize
		if last && !b.final {
			return
		}
		if last && n < TagSize {
			// A full chunk is never last: the short final chunk is missing
			// or was cut inside its tag.
			b.err = ErrTruncated
			return
		}
		if counter >= maxChunks {
			b.err = ErrTooLarge
			return
		}
		out, err := k.open(b.out, in[:n], counter)
		if err != nil {
			b.err = err
			return
		}
		b.out, in, counter = out, in[n:], counter+1
		if last {
			return
		}
	}
}
