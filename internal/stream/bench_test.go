package stream_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/envseal/envseal/internal/stream"
)

// benchSizes are the input sizes of the throughput benchmarks: one chunk,
// one batch and a size where the pipeline runs at steady state.
var benchSizes = []int{16 << 10, 1 << 20, 64 << 20}

// fileLike hides bytes.Reader's WriteTo so that io.Copy drives the copy the
// way it does for an *os.File source: through the destination's ReadFrom,
// or through a buffer when there is none.
type fileLike struct{ r io.Reader }

func (f fileLike) Read(p []byte) (int, error) { return f.r.Read(p) }

// discard is io.Discard without its ReadFrom, like /dev/null as an
// *os.File, so the copy runs through the source's WriteTo or a buffer.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkSeal measures the CLI's copy loop: io.Copy from a file-like
// source into the Writer, to a destination that drops the bytes.
func BenchmarkSeal(b *testing.B) {
	benchSeal(b, func(w *stream.Writer, p []byte) error {
		_, err := io.Copy(w, fileLike{bytes.NewReader(p)})
		return err
	})
}

// BenchmarkSealWrite measures one large Write call, the way a library user
// with the plaintext in memory seals it.
func BenchmarkSealWrite(b *testing.B) {
	benchSeal(b, func(w *stream.Writer, p []byte) error {
		_, err := w.Write(p)
		return err
	})
}

// benchSeal seals each of benchSizes with feed, which hands the plaintext
// to a new Writer, and closes it.
func benchSeal(b *testing.B, feed func(w *stream.Writer, p []byte) error) {
	key := testKey(b)
	for _, n := range benchSizes {
		p := plaintext(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				w, err := stream.NewWriter(key, discard{}, testContext)
				if err != nil {
					b.Fatal(err)
				}
				if err := feed(w, p); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpen measures the CLI's copy loop for open: io.Copy from the
// Reader to a destination that drops the bytes.
func BenchmarkOpen(b *testing.B) {
	key := testKey(b)
	for _, n := range benchSizes {
		ct := sealBytes(b, key, plaintext(n))
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				r, err := stream.NewReader(key, fileLike{bytes.NewReader(ct)}, testContext)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(discard{}, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenRead measures plain Read calls with a 32 KiB buffer, the
// path of a consumer that does not use WriteTo.
func BenchmarkOpenRead(b *testing.B) {
	key := testKey(b)
	n := 64 << 20
	ct := sealBytes(b, key, plaintext(n))
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(n))
	for b.Loop() {
		r, err := stream.NewReader(key, fileLike{bytes.NewReader(ct)}, testContext)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func sealBytes(t testing.TB, key, p []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := stream.NewWriter(key, &buf, testContext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	default:
		return fmt.Sprintf("%dKiB", n>>10)
	}
}
