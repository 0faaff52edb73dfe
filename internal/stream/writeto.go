package stream

import "io"

// WriteTo writes the authenticated plaintext to dst; io.Copy uses it. It
// writes a batch per call, from the goroutine that opened it, in order,
// while the caller reads on; like Read, it releases a chunk only after it
// authenticated, and after a failure it writes the chunks before the
// failing one, then returns the error. It returns nil at the end of a
// valid payload. An error from dst stops the Reader too: later calls
// return it, since the plaintext in flight is gone.
func (r *Reader) WriteTo(dst io.Writer) (int64, error) {
	total, err := r.writeQueued(dst)
	if err == nil && r.err == nil {
		r.dst, r.p.finish = dst, r.writeBatch
		total += r.writeInFlight()
		r.dst, r.p.finish, r.werr = nil, nil, nil
	}
	if err != nil {
		r.err = err
	}
	r.recycle()
	if r.err == io.EOF {
		return total, nil
	}
	return total, r.err
}

// writeQueued writes out, from the calling goroutine, what earlier Reads
// left: the rest of the current batch and the batches already in flight,
// which have no finish step.
func (r *Reader) writeQueued(dst io.Writer) (int64, error) {
	var total int64
	for {
		if len(r.plain) > 0 {
			n, err := dst.Write(r.plain)
			total += int64(n)
			r.plain = r.plain[n:]
			if err == nil && len(r.plain) > 0 {
				err = io.ErrShortWrite
			}
			if err != nil {
				return total, err
			}
		}
		if r.err != nil || r.p.empty() {
			return total, nil
		}
		r.drop()
		r.take()
	}
}

// writeInFlight reads and submits batches that write themselves, and
// takes them back in order until the final one or a failure. It waits for
// every batch it submitted before it returns.
func (r *Reader) writeInFlight() int64 {
	var total int64
	r.drop()
	for r.err == nil {
		r.readAhead()
		b := r.p.next()
		total += int64(len(b.out))
		switch {
		case b.err != nil:
			r.err = b.err
		case b.final:
			r.err = io.EOF
		}
		r.p.put(b)
	}
	for !r.p.empty() {
		r.p.put(r.p.next())
	}
	r.p.release()
	return total
}

// writeBatch writes an opened batch to dst: what authenticated, then, if
// the batch failed, nothing more from any batch after it. It is the
// pipeline's finish step during WriteTo, so it runs in batch order and
// alone touches dst and werr. A batch that writes nothing has its out
// emptied, so that what WriteTo counts is what reached dst.
func (r *Reader) writeBatch(b *batch) {
	if r.werr != nil {
		b.out = b.out[:0]
		if b.err == nil {
			b.err = r.werr
		}
		return
	}
	if len(b.out) > 0 {
		n, err := r.dst.Write(b.out)
		if err == nil && n < len(b.out) {
			err = io.ErrShortWrite
		}
		b.out = b.out[:n]
		if err != nil && b.err == nil {
			b.err = err
		}
	}
	r.werr = b.err
}
