package armor

import (
	"encoding/base64"
	"io"
)

// Writer armors what is written to it. Close writes the last line and the
// footer; it does not close the destination.
type Writer struct {
	dst     io.Writer
	pending []byte // < bytesPerLine bytes waiting for a full line
	out     []byte // encoded lines waiting to be written
	started bool
	err     error // sticky
}

// flushAt is how much encoded text is gathered before a write.
const flushAt = 64 << 10

// NewWriter returns a Writer that writes armor to dst.
func NewWriter(dst io.Writer) *Writer {
	return &Writer{dst: dst, pending: make([]byte, 0, bytesPerLine)}
}

func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.start()
	n := len(p)
	for len(p) > 0 {
		c := copy(w.pending[len(w.pending):bytesPerLine], p)
		w.pending, p = w.pending[:len(w.pending)+c], p[c:]
		if len(w.pending) == bytesPerLine {
			w.line(w.pending)
			w.pending = w.pending[:0]
		}
		if len(w.out) >= flushAt {
			w.flush()
		}
	}
	return n, w.err
}

func (w *Writer) start() {
	if !w.started {
		w.out = append(w.out, Header+"\n"...)
		w.started = true
	}
}

func (w *Writer) line(b []byte) {
	w.out = base64.StdEncoding.AppendEncode(w.out, b)
	w.out = append(w.out, '\n')
}

func (w *Writer) flush() {
	if w.err == nil && len(w.out) > 0 {
		_, w.err = w.dst.Write(w.out)
		w.out = w.out[:0]
	}
}

// Close writes the final partial line (if any) and the footer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.start()
	if len(w.pending) > 0 {
		w.line(w.pending)
	}
	w.out = append(w.out, Footer+"\n"...)
	w.flush()
	if w.err == nil {
		w.err = errClosed
		return nil
	}
	return w.err
}

var errClosed = io.ErrClosedPipe
