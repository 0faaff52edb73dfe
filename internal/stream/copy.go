package stream

import "io"

// ReadFrom seals everything src returns until EOF; io.Copy uses it. It
// reads straight into batch buffers, asking for a whole batch per read, so
// copying a file moves half a megabyte per syscall with no copy in
// between, and each batch is written by the goroutine that sealed it while
// the caller reads on. Whole chunks are sealed as soon as a read brings
// any, and small batches (reads from a pipe or a slow producer) are
// written before the next read, so the output trails the input by at
// most a partial chunk, as with Write. It returns only after every full
// chunk is sealed and written. An error from src is returned but does not
// stop the Writer.
func (w *Writer) ReadFrom(src io.Reader) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	var total int64
	for {
		// Take errors of what was written before a read that may block.
		w.retireReady()
		b := w.p.get()
		in := append(b.buf[:0], w.buf...)
		n, err := readAtLeast(src, in[len(in):batchChunks*ChunkSize], ChunkSize-len(in))
		total += int64(n)
		in = in[:len(in)+n]
		full := len(in) - len(in)%ChunkSize
		w.buf = append(w.buf[:0], in[full:]...)
		if full > 0 {
			b.in = in[:full]
			w.submit(b, err != nil)
		} else {
			w.p.put(b)
		}
		if err == nil && w.err == nil {
			continue
		}
		// The source ended or failed, or the destination failed: in the
		// last case, stop reading at once.
		w.drain()
		switch {
		case w.err != nil:
			return total, w.err
		case err == io.EOF:
			return total, nil
		default:
			return total, err
		}
	}
}

// readFull fills p from src. Unlike io.ReadFull it returns src's own error
// untouched: only io.EOF means the input ended, whatever was read before it.
func readFull(src io.Reader, p []byte) (int, error) {
	return readAtLeast(src, p, len(p))
}

// readAtLeast reads into p until it holds at least min bytes, or src fails.
func readAtLeast(src io.Reader, p []byte, min int) (int, error) {
	n := 0
	for n < min {
		m, err := src.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
