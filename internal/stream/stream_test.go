package stream_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/envseal/envseal/internal/stream"
)

var testContext = []byte("envseal test context")

// sizes covers every chunk edge the format has: empty, one byte, either side
// of one and two chunks, and a large size that is not a multiple of anything.
var sizes = []int{0, 1, 16383, 16384, 16385, 32768, 1<<20 + 7}

func testKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, stream.KeySize)
	for i := range k {
		k[i] = byte(i * 7)
	}
	return k
}

func plaintext(n int) []byte {
	p := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(n), byte(n >> 8), byte(n >> 16)})
	r.Read(p)
	return p
}

// seal writes p through the streaming writer in random step sizes.
func seal(t testing.TB, key, p []byte, rng *rand.Rand) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := stream.NewWriter(key, &buf, testContext)
	if err != nil {
		t.Fatal(err)
	}
	for rest := p; len(rest) > 0; {
		step := 1 + rng.IntN(3*stream.ChunkSize)
		step = min(step, len(rest))
		n, err := w.Write(rest[:step])
		if err != nil || n != step {
			t.Fatalf("Write = %d, %v; want %d", n, err, step)
		}
		rest = rest[step:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// open reads the whole stream, returning what was released and the error.
func open(key, ct []byte) ([]byte, error) {
	r, err := stream.NewReader(key, bytes.NewReader(ct), testContext)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// specOpen is an independent, whole-buffer decryption written from the text
// of c2sp.org/chunked-encryption, to catch a streaming implementation that is
// only consistent with itself.
func specOpen(t *testing.T, key, ct []byte) []byte {
	t.Helper()
	salt, commitment, body := ct[:24], ct[24:56], ct[56:]
	info := append([]byte("c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\x00"), salt...)
	info = append(info, testContext...)
	km, err := hkdf.Expand(sha256.New, key, string(info), 76)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(km[44:], commitment) {
		t.Fatal("spec: commitment mismatch")
	}
	block, _ := aes.NewCipher(km[:32])
	gcm, _ := cipher.NewGCM(block)
	var out []byte
	for i := 0; ; i++ {
		nonce := bytes.Clone(km[32:44])
		for j := 0; j < 8; j++ {
			nonce[11-j] ^= byte(uint64(i) >> (8 * j))
		}
		n := min(len(body), stream.EncChunkSize)
		pt, err := gcm.Open(nil, nonce, body[:n], nil)
		if err != nil {
			t.Fatalf("spec: chunk %d: %v", i, err)
		}
		out = append(out, pt...)
		body = body[n:]
		if len(pt) < stream.ChunkSize {
			if len(body) != 0 {
				t.Fatal("spec: data after final chunk")
			}
			return out
		}
	}
}

func TestRoundTrip(t *testing.T) {
	key := testKey(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range sizes {
		p := plaintext(n)
		ct := seal(t, key, p, rng)
		if got, want := int64(len(ct)), stream.CiphertextSize(int64(n)); got != want {
			t.Errorf("size %d: ciphertext is %d bytes, CiphertextSize says %d", n, got, want)
		}
		if ps, err := stream.PlaintextSize(int64(len(ct))); err != nil || ps != int64(n) {
			t.Errorf("size %d: PlaintextSize = %d, %v", n, ps, err)
		}
		got, err := open(key, ct)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("size %d: open = %d bytes, %v", n, len(got), err)
		}
		if !bytes.Equal(specOpen(t, key, ct), p) {
			t.Fatalf("size %d: spec decryption differs", n)
		}
	}
}

func TestReadSmallBuffers(t *testing.T) {
	key := testKey(t)
	p := plaintext(3*stream.ChunkSize + 100)
	ct := seal(t, key, p, rand.New(rand.NewPCG(3, 4)))
	r, err := stream.NewReader(key, bytes.NewReader(ct), testContext)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.LimitReader(iotestOneByte{r}, int64(len(p)+1)))
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("one-byte reads: %d bytes, %v", len(got), err)
	}
}

type iotestOneByte struct{ r io.Reader }

func (o iotestOneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

func TestReaderAt(t *testing.T) {
	key := testKey(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range sizes {
		p := plaintext(n)
		ct := seal(t, key, p, rng)
		ra, err := stream.NewReaderAt(key, bytes.NewReader(ct), int64(len(ct)), testContext)
		if err != nil {
			t.Fatalf("size %d: %v", n, err)
		}
		if ra.Size() != int64(n) {
			t.Fatalf("size %d: Size() = %d", n, ra.Size())
		}
		for i := 0; i < 50 && n > 0; i++ {
			off := rng.IntN(n)
			l := rng.IntN(3 * stream.ChunkSize)
			buf := make([]byte, l)
			got, err := ra.ReadAt(buf, int64(off))
			want := min(l, n-off)
			if got != want || !bytes.Equal(buf[:got], p[off:off+want]) {
				t.Fatalf("size %d: ReadAt(%d, %d) = %d, %v", n, l, off, got, err)
			}
			if want < l && err != io.EOF {
				t.Fatalf("size %d: short ReadAt returned %v, want io.EOF", n, err)
			}
		}
		if _, err := ra.ReadAt(make([]byte, 1), int64(n)); err != io.EOF {
			t.Fatalf("size %d: ReadAt at end = %v, want io.EOF", n, err)
		}
	}
}

func TestReaderAtRejectsTruncation(t *testing.T) {
	key := testKey(t)
	ct := seal(t, key, plaintext(3*stream.ChunkSize+5), rand.New(rand.NewPCG(7, 8)))
	for _, cut := range []int{stream.PrefixSize + stream.EncChunkSize, len(ct) - 1, len(ct) - 21} {
		_, err := stream.NewReaderAt(key, bytes.NewReader(ct[:cut]), int64(cut), testContext)
		if err == nil {
			t.Errorf("truncated to %d: accepted", cut)
		}
	}
}

// threeChunks returns a payload of two full chunks and a short final one.
func threeChunks(t *testing.T) (key, p, ct []byte) {
	key = testKey(t)
	p = plaintext(2*stream.ChunkSize + 1000)
	return key, p, seal(t, key, p, rand.New(rand.NewPCG(9, 10)))
}

// checkPrefix asserts that a failed open released only a prefix of whole,
// authenticated chunks of the plaintext.
func checkPrefix(t *testing.T, what string, got, p []byte) {
	t.Helper()
	if len(got)%stream.ChunkSize != 0 || !bytes.Equal(got, p[:len(got)]) {
		t.Fatalf("%s: released %d bytes that are not whole authenticated chunks", what, len(got))
	}
}

// TestFlippedBytesRejected flips bytes of a three-chunk payload one at a
// time: every byte of the salt and commitment, of every chunk's first and
// last 32 bytes (its tag and both boundaries) and every 97th byte between,
// or every byte at all with ENVSEAL_MUTANTS=full (scripts/mutants.sh). The
// sample keeps each place a bug could hide (prefix, boundaries, tags) at
// a thirtieth of the cost of the whole sweep, which under -race is the
// slowest test of the package.
func TestFlippedBytesRejected(t *testing.T) {
	key, p, ct := threeChunks(t)
	full := os.Getenv("ENVSEAL_MUTANTS") == "full"
	for i := range ct {
		if !full && !flipSampled(i) {
			continue
		}
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		got, err := open(key, bad)
		if err == nil {
			t.Fatalf("byte %d flipped: accepted", i)
		}
		checkPrefix(t, "flip", got, p)
	}
}

// flipSampled reports whether TestFlippedBytesRejected's sample flips
// payload byte i.
func flipSampled(i int) bool {
	if i < stream.PrefixSize {
		return true
	}
	off := (i - stream.PrefixSize) % stream.EncChunkSize
	return off < 32 || off >= stream.EncChunkSize-32 || i%97 == 0
}

func TestTruncationRejected(t *testing.T) {
	key, p, ct := threeChunks(t)
	for cut := 0; cut < len(ct); cut += 97 {
		got, err := open(key, ct[:cut])
		if err == nil {
			t.Fatalf("truncated to %d: accepted", cut)
		}
		checkPrefix(t, "truncate", got, p)
	}
	for k := 0; k <= 2; k++ {
		cut := stream.PrefixSize + k*stream.EncChunkSize
		_, err := open(key, ct[:cut])
		if !errors.Is(err, stream.ErrTruncated) {
			t.Errorf("cut at chunk boundary %d: err = %v, want ErrTruncated", k, err)
		}
	}
}

func TestReorderAndExtensionRejected(t *testing.T) {
	key, p, ct := threeChunks(t)
	c0 := stream.PrefixSize
	c1 := c0 + stream.EncChunkSize
	c2 := c1 + stream.EncChunkSize
	swapped := bytes.Clone(ct)
	copy(swapped[c0:c1], ct[c1:c2])
	copy(swapped[c1:c2], ct[c0:c1])
	appended := append(bytes.Clone(ct), 0)
	appendedChunk := append(bytes.Clone(ct), ct[c0:c1]...)
	dropFinal := ct[:c2]
	for name, bad := range map[string][]byte{
		"swapped":        swapped,
		"appended byte":  appended,
		"appended chunk": appendedChunk,
		"final dropped":  dropFinal,
	} {
		got, err := open(key, bad)
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		checkPrefix(t, name, got, p)
	}
}

func TestWrongKeyOrContextFailsBeforeAnyChunk(t *testing.T) {
	key, _, ct := threeChunks(t)
	wrong := bytes.Clone(key)
	wrong[0] ^= 1
	if _, err := stream.NewReader(wrong, bytes.NewReader(ct), testContext); !errors.Is(err, stream.ErrCommitment) {
		t.Errorf("wrong key: %v, want ErrCommitment", err)
	}
	if _, err := stream.NewReader(key, bytes.NewReader(ct), []byte("other")); !errors.Is(err, stream.ErrCommitment) {
		t.Errorf("wrong context: %v, want ErrCommitment", err)
	}
	if _, err := stream.NewReaderAt(wrong, bytes.NewReader(ct), int64(len(ct)), testContext); !errors.Is(err, stream.ErrCommitment) {
		t.Errorf("ReaderAt wrong key: %v, want ErrCommitment", err)
	}
}

func TestSealIsRandomized(t *testing.T) {
	key := testKey(t)
	rng := rand.New(rand.NewPCG(11, 12))
	a, b := seal(t, key, []byte("same"), rng), seal(t, key, []byte("same"), rng)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical: salt is not random")
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriterErrorIsSticky(t *testing.T) {
	w, err := stream.NewWriter(testKey(t), &failWriter{after: 1}, testContext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 2*stream.ChunkSize)); err == nil {
		t.Fatal("write to failing destination succeeded")
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Fatal("error was not sticky")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after error succeeded")
	}
}
