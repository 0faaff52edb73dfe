package legacy

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

const (
	blockSize  = aes.BlockSize
	saltSize   = 8
	headerSize = len(Magic) + saltSize
	// chunkSize is how much ciphertext is decrypted per fill: memory use is
	// this plus one block, whatever the file's size.
	chunkSize = 64 << 10
)

// Reader decrypts an `openssl enc -aes-256-cbc` stream.
//
// The last block is held back until the input ends, because only there can
// the padding be checked and removed. Read returns ErrBadDecrypt (or
// ErrTruncated) instead of io.EOF when that check fails: everything read
// before then is unverified, so a caller writing a file must not keep it
// unless Read ended with io.EOF.
type Reader struct {
	src      io.Reader
	cbc      cipher.BlockMode
	buf      []byte // ciphertext, decrypted in place
	out      []byte // plaintext not yet returned, a slice of buf
	carry    [blockSize]byte
	hasCarry bool
	err      error // sticky; io.EOF once the padding checked out
}

// NewReader reads the Salted__ header from src, derives the key with kdf
// and returns a Reader of the plaintext. Input that `openssl enc -a` wrote
// (base64, starting "U2FsdGVk") is decoded on the fly.
func NewReader(src io.Reader, pass []byte, kdf KDF) (*Reader, error) {
	src, err := unarmor(src)
	if err != nil {
		return nil, err
	}
	salt, err := readHeader(src)
	if err != nil {
		return nil, err
	}
	key, iv, err := kdf.Derive(pass, salt)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &Reader{
		src: src,
		cbc: cipher.NewCBCDecrypter(block, iv),
		buf: make([]byte, chunkSize+blockSize),
	}, nil
}

// unarmor returns src, or a base64 decoder of it when it starts with the
// base64 form of Magic. The decoder skips the line breaks openssl writes.
func unarmor(src io.Reader) (io.Reader, error) {
	br := bufio.NewReader(src)
	head, err := br.Peek(len(base64Magic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if string(head) == base64Magic {
		return base64.NewDecoder(base64.StdEncoding, br), nil
	}
	return br, nil
}

// readHeader checks the magic and returns the salt.
func readHeader(src io.Reader) ([]byte, error) {
	hdr := make([]byte, headerSize)
	n, err := io.ReadFull(src, hdr)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if n >= len(Magic) && string(hdr[:len(Magic)]) == Magic {
			return nil, ErrTruncated
		}
		return nil, ErrNotSalted
	case isCorrupt(err):
		return nil, fmt.Errorf("failed to decode base64 input: %w", err)
	default:
		return nil, fmt.Errorf("failed to read header: %w", err)
	}
	if string(hdr[:len(Magic)]) != Magic {
		return nil, ErrNotSalted
	}
	return hdr[len(Magic):], nil
}

func (r *Reader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.err = r.fill()
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// fill decrypts the next chunk into r.out. It returns io.EOF after the last
// block, once the padding is checked.
func (r *Reader) fill() error {
	n := 0
	if r.hasCarry {
		n = copy(r.buf, r.carry[:])
	}
	m, err := io.ReadFull(r.src, r.buf[n:])
	n += m
	switch {
	case err == nil:
		// More may follow: hold the last block back, it may be the padded one.
		k := n - blockSize
		copy(r.carry[:], r.buf[k:n])
		r.hasCarry = true
		r.cbc.CryptBlocks(r.buf[:k], r.buf[:k])
		r.out = r.buf[:k]
		return nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return r.final(r.buf[:n])
	case isCorrupt(err):
		return fmt.Errorf("failed to decode base64 input: %w", err)
	default:
		return err
	}
}

// final decrypts the last ciphertext (which ends with the padded block),
// checks and strips the padding.
func (r *Reader) final(ct []byte) error {
	if len(ct) == 0 || len(ct)%blockSize != 0 {
		return ErrTruncated
	}
	r.cbc.CryptBlocks(ct, ct)
	pad, ok := checkPadding(ct[len(ct)-blockSize:])
	if !ok {
		clear(ct)
		return ErrBadDecrypt
	}
	r.out = ct[:len(ct)-pad]
	return io.EOF
}

// checkPadding validates PKCS#7 padding of the last block in constant time.
func checkPadding(last []byte) (int, bool) {
	pad := int(last[blockSize-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, blockSize)
	for i := range blockSize {
		inPad := subtle.ConstantTimeLessOrEq(blockSize-i, pad)
		same := subtle.ConstantTimeByteEq(last[i], byte(pad))
		good &= subtle.ConstantTimeSelect(inPad, same, 1)
	}
	return pad, good == 1
}

func isCorrupt(err error) bool {
	var ce base64.CorruptInputError
	return errors.As(err, &ce)
}
