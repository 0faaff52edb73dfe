package stream

import (
	"bytes"
	"io"
	"sync/atomic"
	"testing"
)

// zeroPayload is an io.ReaderAt over the sealed payload of size zero bytes,
// never stored: each ReadAt seals the chunks it covers on the fly. That
// makes an 8 GiB (or 1 TiB) sealed file cheap to test against, and lets
// the test count what a reader touches.
type zeroPayload struct {
	k       *keys
	prefix  []byte
	size    int64 // plaintext
	encSize int64
	calls   atomic.Int64 // ReadAt calls
	chunks  atomic.Int64 // chunks sealed to answer them
}

func newZeroPayload(t testing.TB, size int64) *zeroPayload {
	k, err := deriveKeys(pipeKey, pipeSalt, pipeContext)
	if err != nil {
		t.Fatal(err)
	}
	prefix := append(bytes.Clone(pipeSalt), k.commitment[:]...)
	return &zeroPayload{k: k, prefix: prefix, size: size, encSize: CiphertextSize(size)}
}

func (z *zeroPayload) ReadAt(p []byte, off int64) (int, error) {
	z.calls.Add(1)
	n := 0
	zeros, sealed := make([]byte, ChunkSize), make([]byte, 0, EncChunkSize)
	for n < len(p) && off < z.encSize {
		var piece []byte
		if off < PrefixSize {
			piece = z.prefix[off:]
		} else {
			i := (off - PrefixSize) / EncChunkSize
			plain := min(ChunkSize, z.size-i*ChunkSize)
			z.chunks.Add(1)
			piece = z.k.seal(sealed[:0], zeros[:plain], uint64(i))[(off-PrefixSize)%EncChunkSize:]
		}
		c := copy(p[n:], piece)
		n, off = n+c, off+int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestReaderAtTailTouchesConstantChunks opens a 1 MiB range at the end of
// 8 GiB and 1 TiB sealed files: the chunks and source reads it takes are
// the same, a constant set by the range, not by the file size.
func TestReaderAtTailTouchesConstantChunks(t *testing.T) {
	const span = 1 << 20
	// The range covers 65 chunks (it is not chunk-aligned) and the final
	// chunk is checked on open: 66 chunks, in at most 1 + 3 source reads
	// of up to a batch each, plus the prefix.
	const maxChunksTouched, maxCalls = span/ChunkSize + 2, 2 + span/(batchChunks*ChunkSize) + 1
	for _, size := range []int64{8<<30 + 12345, 1<<40 + 12345} {
		z := newZeroPayload(t, size)
		r, err := NewReaderAt(pipeKey, z, z.encSize, pipeContext)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, span)
		n, err := r.ReadAt(got, size-span)
		if n != span || err != nil {
			t.Fatalf("size %d: ReadAt = %d, %v", size, n, err)
		}
		if !bytes.Equal(got, make([]byte, span)) {
			t.Fatalf("size %d: wrong plaintext", size)
		}
		if c, k := z.calls.Load(), z.chunks.Load(); c > maxCalls || k > maxChunksTouched {
			t.Fatalf("size %d: %d source reads and %d chunks for a 1 MiB read, want at most %d and %d",
				size, c, k, maxCalls, maxChunksTouched)
		}
	}
}

// BenchmarkReaderAtTail opens an 8 GiB sealed file and reads its last MiB:
// the work of `envseal open` on a random-access range, minus the header.
// Each op includes sealing the chunks the virtual file serves.
func BenchmarkReaderAtTail(b *testing.B) {
	const size, span = 8 << 30, 1 << 20
	z := newZeroPayload(b, size)
	got := make([]byte, span)
	b.SetBytes(span)
	for b.Loop() {
		r, err := NewReaderAt(pipeKey, z, z.encSize, pipeContext)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.ReadAt(got, size-span); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(z.chunks.Load())/float64(b.N), "chunks/op")
	b.ReportMetric(float64(z.calls.Load())/float64(b.N), "reads/op")
}
