package legacy

import (
	"bytes"
	"errors"
)

// maxLine is what OpenSSL reads of a -pass file: or fd: source: BIO_gets
// into a buffer of APP_PASS_LEN (1024) bytes, so at most 1023.
const maxLine = 1023

// ErrEmptyPassSource is returned by FirstLine where OpenSSL fails with
// "Error reading password from BIO": the source is empty or starts with
// a NUL byte. No file can have been encrypted with such a passphrase.
var ErrEmptyPassSource = errors.New("the passphrase source is empty or starts with a NUL byte; openssl cannot read a passphrase from it")

// FirstLine returns the passphrase that `openssl enc -pass file:PATH` (or
// fd:N) takes from data, the source's content.
//
// OpenSSL reads one line with BIO_gets, at most 1023 bytes, removes the
// newline, and then uses the passphrase as a C string. So it ends at the
// first '\n' or at the first NUL byte, whichever comes first; a '\r'
// before the newline stays part of it. This matters for binary data keys
// (a KMS data key used with -pass file:): 32 random bytes contain a '\n'
// or a NUL about one time in five, and everything from there on is
// ignored; an early one leaves a passphrase of a few bytes, or none.
func FirstLine(data []byte) ([]byte, error) {
	line := data[:min(len(data), maxLine)]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1]
	}
	if len(line) == 0 || line[0] == 0 {
		return nil, ErrEmptyPassSource
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	return bytes.TrimSuffix(line, []byte("\n")), nil
}
