package legacy

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// variants are the ways runbooks call openssl enc, and the KDF each needs.
var variants = []struct {
	name string
	args []string
	kdf  KDF
}{
	{"demo -iter 1000", []string{"-iter", "1000"}, KDF{Iter: 1000}},
	{"-pbkdf2 -iter 1000", []string{"-pbkdf2", "-iter", "1000"}, KDF{Iter: 1000}},
	{"-pbkdf2", []string{"-pbkdf2"}, KDF{Iter: DefaultPBKDF2Iter}},
	{"-pbkdf2 -md sha1", []string{"-pbkdf2", "-iter", "7", "-md", "sha1"}, KDF{Iter: 7, Digest: "sha1"}},
	{"-pbkdf2 -md sha512", []string{"-pbkdf2", "-iter", "3", "-md", "sha512"}, KDF{Iter: 3, Digest: "sha512"}},
	{"EVP_BytesToKey sha256", []string{}, KDF{}},
	{"EVP_BytesToKey -md sha256", []string{"-md", "sha256"}, KDF{Digest: "sha256"}},
	{"EVP_BytesToKey -md md5", []string{"-md", "md5"}, KDF{Digest: "md5"}},
	{"EVP_BytesToKey -md sha1", []string{"-md", "sha1"}, KDF{Digest: "sha1"}},
	{"base64 -a", []string{"-a", "-iter", "10"}, KDF{Iter: 10}},
	{"base64 -a -A", []string{"-a", "-A", "-iter", "10"}, KDF{Iter: 10}},
}

// sizes cover empty input, block edges and chunk edges.
var sizes = []int{0, 1, 15, 16, 17, 31, 32, 33, 1000, chunkSize - 16, chunkSize - 1, chunkSize, chunkSize + 1, chunkSize + 16, 3*chunkSize + 5}

func TestOpenSSLVariants(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			for _, n := range sizes {
				plain := randomBytes(n)
				args := append([]string{"-pass", "pass:file:///./datakey"}, v.args...)
				ct := opensslEnc(t, plain, args...)
				got, err := decryptAll(ct, []byte("file:///./datakey"), v.kdf)
				if err != nil {
					t.Fatalf("size %d: %v", n, err)
				}
				if !bytes.Equal(got, plain) {
					t.Fatalf("size %d: plaintext differs", n)
				}
			}
		})
	}
}

func decryptAll(ct, pass []byte, kdf KDF) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(ct), pass, kdf)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// TestSmallReads: reads of any size, and a source that returns one byte
// at a time, give the same plaintext.
func TestSmallReads(t *testing.T) {
	plain := randomBytes(chunkSize + 100)
	ct := opensslEnc(t, plain, "-pass", "pass:pw", "-iter", "1")
	r, err := NewReader(iotest.OneByteReader(bytes.NewReader(ct)), []byte("pw"), KDF{Iter: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := iotest.TestReader(r, plain); err != nil {
		t.Fatal(err)
	}
}

// fixedSalt builds a file with a known salt (openssl -S writes no header),
// so that a wrong-key test cannot pass by a 1-in-256 lucky padding.
func fixedSalt(t *testing.T, plain []byte, args ...string) []byte {
	salt := "\x01\x02\x03\x04\x05\x06\x07\x08"
	body := opensslEnc(t, plain, append([]string{"-S", "0102030405060708"}, args...)...)
	return append([]byte(Magic+salt), body...)
}

func TestWrongSettings(t *testing.T) {
	plain := []byte("DB_PASSWORD=hunter2\n")
	ct := fixedSalt(t, plain, "-pass", "pass:right", "-iter", "1000")
	if got, err := decryptAll(ct, []byte("right"), KDF{Iter: 1000}); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("right settings: %q, %v", got, err)
	}
	for _, c := range []struct {
		pass string
		kdf  KDF
	}{
		{"wrong", KDF{Iter: 1000}},
		{"right", KDF{Iter: 999}},
		{"right", KDF{}},
		{"right", KDF{Iter: 1000, Digest: "sha1"}},
	} {
		got, err := decryptAll(ct, []byte(c.pass), c.kdf)
		if !errors.Is(err, ErrBadDecrypt) {
			t.Errorf("%q %+v: got %v, want ErrBadDecrypt", c.pass, c.kdf, err)
		}
		if len(got) != 0 {
			t.Errorf("%q %+v: %d bytes released from a one-block file", c.pass, c.kdf, len(got))
		}
	}
}

// TestDamage: truncation and garbage are errors, never a clean EOF.
func TestDamage(t *testing.T) {
	ct := fixedSalt(t, randomBytes(100), "-pass", "pass:pw", "-iter", "1")
	for _, n := range []int{0, 3, 8, 15} {
		if _, err := decryptAll(ct[:n], []byte("pw"), KDF{Iter: 1}); !errors.Is(err, ErrNotSalted) && !errors.Is(err, ErrTruncated) {
			t.Errorf("cut to %d: %v", n, err)
		}
	}
	for _, n := range []int{16, 17, len(ct) - 1, len(ct) - 15} {
		if _, err := decryptAll(ct[:n], []byte("pw"), KDF{Iter: 1}); !errors.Is(err, ErrTruncated) {
			t.Errorf("cut to %d: %v, want ErrTruncated", n, err)
		}
	}
	if _, err := decryptAll(ct[:len(ct)-16], []byte("pw"), KDF{Iter: 1}); !errors.Is(err, ErrBadDecrypt) {
		t.Errorf("last block dropped: %v, want ErrBadDecrypt", err)
	}
	if _, err := decryptAll([]byte("ENVSEAL.........."), nil, KDF{}); !errors.Is(err, ErrNotSalted) {
		t.Errorf("not salted: %v", err)
	}
	if _, err := decryptAll(ct, []byte("pw"), KDF{Iter: 1, Digest: "md4"}); err == nil {
		t.Error("unknown digest accepted")
	}
}

func TestCheckPadding(t *testing.T) {
	for pad := 0; pad <= 17; pad++ {
		last := bytes.Repeat([]byte{0xaa}, blockSize)
		for i := blockSize - min(pad, blockSize); i < blockSize; i++ {
			last[i] = byte(pad)
		}
		n, ok := checkPadding(last)
		want := pad >= 1 && pad <= blockSize
		if ok != want || (ok && n != pad) {
			t.Errorf("pad %d: got %d %v", pad, n, ok)
		}
	}
	// one wrong byte inside the padding
	last := bytes.Repeat([]byte{4}, blockSize)
	last[blockSize-3] = 5
	if _, ok := checkPadding(last); ok {
		t.Error("inconsistent padding accepted")
	}
}
