package term

import (
	"errors"
	"io"
	"unicode/utf8"
)

// textLimit bounds how much plaintext CopyText holds for a terminal.
const textLimit = 1 << 20

var (
	// ErrBinary is returned by CopyText for what is not plain text.
	ErrBinary = errors.New("refusing to print binary data or control characters to a terminal")
	// ErrTooLarge is returned by CopyText for more than 1 MiB.
	ErrTooLarge = errors.New("refusing to print more than 1 MiB to a terminal")
)

// CopyText copies r to a terminal w, but holds everything until r ends
// and then writes it only if it is text: r's bytes are only known good
// once the whole file has authenticated, and escape sequences in a
// decrypted file must not be able to drive the user's terminal.
func CopyText(w io.Writer, r io.Reader) error {
	tb := &textBuffer{}
	defer tb.release()
	if _, err := io.Copy(tb, r); err != nil {
		return err
	}
	if !printable(tb.b) {
		return ErrBinary
	}
	_, err := w.Write(tb.b)
	return err
}

// textBuffer holds at most textLimit bytes of plaintext. It grows itself,
// rather than through bytes.Buffer or append, so that every array it
// leaves behind is wiped: the garbage collector would not.
type textBuffer struct {
	b []byte
}

func (t *textBuffer) Write(p []byte) (int, error) {
	if len(t.b)+len(p) > textLimit {
		return 0, ErrTooLarge
	}
	if len(t.b)+len(p) > cap(t.b) {
		t.grow(len(t.b) + len(p))
	}
	t.b = append(t.b, p...)
	return len(p), nil
}

// grow moves the contents to an array of at least n bytes and wipes the
// old one.
func (t *textBuffer) grow(n int) {
	nb := make([]byte, len(t.b), min(max(n, 2*cap(t.b), 512), textLimit))
	copy(nb, t.b)
	clear(t.b[:cap(t.b)])
	t.b = nb
}

// release wipes the plaintext, up to the capacity, and empties the buffer.
func (t *textBuffer) release() {
	clear(t.b[:cap(t.b)])
	t.b = nil
}

// printable accepts UTF-8 text with tabs and line breaks, and nothing
// that a terminal would interpret (C0 controls, DEL, C1 controls).
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
