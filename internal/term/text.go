package term

import (
	"errors"
	"io"
	"unicode/utf8"

	"github.com/envseal/envseal/internal/secretbuf"
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
	tb := secretbuf.New(textLimit, ErrTooLarge)
	defer tb.Wipe()
	if _, err := io.Copy(tb, r); err != nil {
		return err
	}
	if !printable(tb.Bytes()) {
		return ErrBinary
	}
	_, err := w.Write(tb.Bytes())
	return err
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
