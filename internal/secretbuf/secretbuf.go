// Package secretbuf is a bounded in-memory buffer for plaintext that wipes
// what it held: every array it grows out of, and the last one on Wipe.
// bytes.Buffer and append leave the old arrays to the garbage collector,
// plaintext and all.
package secretbuf

// Buffer holds at most its limit of bytes. The zero value is unusable; use
// New.
type Buffer struct {
	b     []byte
	limit int
	full  error
}

// New returns a buffer that refuses, with full, a write that would take it
// past limit bytes.
func New(limit int, full error) *Buffer {
	return &Buffer{limit: limit, full: full}
}

func (s *Buffer) Write(p []byte) (int, error) {
	if len(s.b)+len(p) > s.limit {
		return 0, s.full
	}
	if len(s.b)+len(p) > cap(s.b) {
		s.grow(len(s.b) + len(p))
	}
	s.b = append(s.b, p...)
	return len(p), nil
}

// Bytes returns the contents; they are valid until the next Write or Wipe.
func (s *Buffer) Bytes() []byte { return s.b }

// grow moves the contents to an array of at least n bytes and wipes the
// old one.
func (s *Buffer) grow(n int) {
	nb := make([]byte, len(s.b), min(max(n, 2*cap(s.b), 512), s.limit))
	copy(nb, s.b)
	clear(s.b[:cap(s.b)])
	s.b = nb
}

// Wipe clears the contents up to the capacity and empties the buffer.
func (s *Buffer) Wipe() {
	clear(s.b[:cap(s.b)])
	s.b = nil
}
