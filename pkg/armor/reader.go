package armor

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds one line of input, so a file with no newlines cannot make
// the reader buffer it whole.
const maxLine = 4096

// Reader decodes armor. Every byte it returns comes from a line that was
// fully validated; errors are sticky.
type Reader struct {
	src   *bufio.Reader
	buf   []byte // decoded, not yet returned
	state int
	err   error
}

const (
	stateHeader = iota
	stateBody
	stateDone
)

// NewReader returns a Reader decoding the armored data in src.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: bufio.NewReaderSize(src, maxLine)}
}

// MaxLeadingSpace is how much whitespace IsArmored looks through before
// the BEGIN label: input with more is read as binary (and then is not an
// envseal file). Every reader uses this one bound, so that a file is
// armored or not whichever way it is opened.
const MaxLeadingSpace = 4096

// SniffSize is how many bytes IsArmored may need to peek: a bufio.Reader
// it is given must have at least this size.
const SniffSize = MaxLeadingSpace + len(Header)

// IsArmored reports whether the buffered input starts, after at most
// MaxLeadingSpace bytes of space, tab, CR or LF, with the armor header.
// It only peeks, consuming nothing; r's buffer must hold SniffSize bytes.
func IsArmored(r *bufio.Reader) bool {
	b, _ := r.Peek(SniffSize) // a shorter input gives what there is
	skip := 0
	for skip < len(b) && skip < MaxLeadingSpace && isSpace(b[skip]) {
		skip++
	}
	return bytes.HasPrefix(b[skip:], []byte(Header))
}

// IsArmoredAt is IsArmored for random-access input of size bytes.
func IsArmoredAt(src io.ReaderAt, size int64) bool {
	return IsArmored(bufio.NewReaderSize(io.NewSectionReader(src, 0, min(size, int64(SniffSize))), SniffSize))
}

func (r *Reader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 && r.err == nil {
		r.err = r.step()
	}
	if len(r.buf) > 0 {
		n := copy(p, r.buf)
		r.buf = r.buf[n:]
		return n, nil
	}
	return 0, r.err
}

// step consumes one line (or, at the end, the trailing whitespace).
func (r *Reader) step() error {
	if r.state == stateDone {
		return r.trailer()
	}
	line, err := r.readLine()
	if err != nil {
		return err
	}
	switch {
	case r.state == stateHeader:
		line = bytes.TrimLeft(line, " \t\r")
		if len(line) == 0 {
			return nil // leading blank lines
		}
		if string(line) != Header {
			return fmt.Errorf("%w: missing %q header", ErrInvalid, Header)
		}
		r.state = stateBody
		return nil
	case string(line) == Footer:
		r.state = stateDone
		return nil
	}
	return r.body(line)
}

// body decodes one base64 line. A line shorter than 64 characters, or one
// that ends in padding, must be the last one, which the next step checks by
// requiring the footer: padding can only end the data, so that one file
// has one armored form.
func (r *Reader) body(line []byte) error {
	if len(line) == 0 || len(line) > lineLen || len(line)%4 != 0 {
		return fmt.Errorf("%w: base64 line of %d characters", ErrInvalid, len(line))
	}
	dec, err := base64.StdEncoding.Strict().AppendDecode(nil, line)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(line) < lineLen || line[len(line)-1] == '=' {
		next, err := r.readLine()
		if err != nil {
			return err
		}
		if string(next) != Footer {
			return fmt.Errorf("%w: short line before the end of the data", ErrInvalid)
		}
		r.state = stateDone
	}
	r.buf = dec
	return nil
}

// trailer allows only whitespace after the footer.
func (r *Reader) trailer() error {
	for {
		b, err := r.src.ReadByte()
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		if err != nil {
			return err
		}
		if !isSpace(b) {
			return fmt.Errorf("%w: data after the footer", ErrInvalid)
		}
	}
}

// readLine returns the next line without its LF or CRLF ending. A missing
// final newline is accepted only on the footer line.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.src.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("%w: line longer than %d bytes", ErrInvalid, maxLine)
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, fmt.Errorf("%w: missing %q footer", ErrInvalid, Footer)
	case err != nil && !errors.Is(err, io.EOF):
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n'
}
