package legacy

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"io"
	"testing"
)

// FuzzReader: any input either decrypts or fails with one of the typed
// errors; it never panics, and never yields more bytes than it was given.
func FuzzReader(f *testing.F) {
	f.Add([]byte("Salted__12345678"))
	f.Add([]byte("Salted__12345678abcdefghijklmnop"))
	f.Add([]byte("U2FsdGVkX18BAgMEBQYHCA=="))
	f.Add(append([]byte("Salted__\x01\x02\x03\x04\x05\x06\x07\x08"), make([]byte, 48)...))
	f.Add([]byte("Salted_"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), []byte("pw"), KDF{Iter: 1})
		if err != nil {
			if !errors.Is(err, ErrNotSalted) && !errors.Is(err, ErrTruncated) && !isCorrupt(err) {
				t.Fatalf("header: unexpected error %v", err)
			}
			return
		}
		out, err := io.ReadAll(r)
		if err != nil && !errors.Is(err, ErrBadDecrypt) && !errors.Is(err, ErrTruncated) && !isCorrupt(err) {
			t.Fatalf("unexpected error %v", err)
		}
		if len(out) > len(data) {
			t.Fatalf("%d bytes out of %d in", len(out), len(data))
		}
	})
}

// FuzzRoundTrip: what an independent CBC+PKCS#7 encrypter (the format
// openssl writes) makes from any plaintext and passphrase decrypts back.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(""), []byte("file:///./datakey"), uint8(0))
	f.Add([]byte("0123456789abcdef"), []byte("pw"), uint8(3))
	f.Fuzz(func(t *testing.T, plain, pass []byte, iter uint8) {
		kdf := KDF{Iter: int(iter % 4)}
		salt := []byte("saltsalt")
		ct := encryptLikeOpenSSL(t, plain, pass, salt, kdf)
		got, err := decryptAll(ct, pass, kdf)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func encryptLikeOpenSSL(t *testing.T, plain, pass, salt []byte, kdf KDF) []byte {
	key, iv, err := kdf.Derive(pass, salt)
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	body := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(body, body)
	return append(append([]byte(Magic), salt...), body...)
}

// FuzzFirstLine: the passphrase is a prefix of the source, without NUL
// or newline, at most 1023 bytes.
func FuzzFirstLine(f *testing.F) {
	for _, s := range []string{"", "a\nb", "\x00", "a\x00b", "\n", "ab\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := FirstLine(data)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(data, p) || bytes.ContainsAny(p, "\x00\n") || len(p) > maxLine {
			t.Fatalf("FirstLine(%q) = %q", data, p)
		}
	})
}
