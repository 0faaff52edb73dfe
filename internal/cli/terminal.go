package cli

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// terminalLimit bounds how much plaintext open will hold for a terminal.
const terminalLimit = 1 << 20

var (
	errTerminalBinary = errors.New("refusing to print binary data or control characters to a terminal")
	errTerminalLarge  = errors.New("refusing to print more than 1 MiB to a terminal")
)

// terminalBuffer holds plaintext bound for a terminal until the whole file
// has authenticated, then prints it only if it is text: escape sequences in
// a decrypted file must not be able to drive the user's terminal.
type terminalBuffer struct {
	buf bytes.Buffer
}

func (t *terminalBuffer) Write(p []byte) (int, error) {
	if t.buf.Len()+len(p) > terminalLimit {
		return 0, withHint(errTerminalLarge, "pass -o FILE or redirect the output")
	}
	return t.buf.Write(p)
}

// flushTo writes the buffered text to w after checking it.
func (t *terminalBuffer) flushTo(w io.Writer) error {
	if !printableText(t.buf.Bytes()) {
		return withHint(errTerminalBinary, "pass -o FILE or redirect the output, or --force to print it anyway")
	}
	_, err := w.Write(t.buf.Bytes())
	return err
}

// printableText accepts UTF-8 text with tabs and line breaks, and nothing
// that a terminal would interpret (C0 controls, DEL, C1 controls).
func printableText(b []byte) bool {
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

// release copies plaintext to out. To a terminal it holds everything until
// the end and prints only text, as open does.
func release(out io.Writer, r io.Reader, toTerminal bool) error {
	if !toTerminal {
		_, err := io.Copy(out, r)
		return err
	}
	tb := &terminalBuffer{}
	if _, err := io.Copy(tb, r); err != nil {
		return err
	}
	return tb.flushTo(out)
}
