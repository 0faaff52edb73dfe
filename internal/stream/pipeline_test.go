package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

var (
	pipeKey     = bytes.Repeat([]byte{0x42}, KeySize)
	pipeSalt    = bytes.Repeat([]byte{0x24}, SaltSize)
	pipeContext = []byte("envseal pipeline test")
)

// pipeSizes are the chunk and batch edges, and sizes that keep every
// worker busy for several rounds.
var pipeSizes = []int{
	0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2 * ChunkSize,
	batchChunks*ChunkSize - 1, batchChunks * ChunkSize, batchChunks*ChunkSize + 1,
	(2*batchChunks+1)*ChunkSize + 17, 3<<20 + 5, 5 << 20, 7<<20 + ChunkSize - 1,
}

// pipeProcs are the GOMAXPROCS values the pipeline is checked under: the
// inline path, this machine's two cores, and more workers than cores
// (five, which fills maxDepth).
var pipeProcs = []int{1, 2, 5}

func withProcs(t testing.TB, n int) {
	t.Helper()
	prev := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

func pattern(n int) []byte {
	p := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(n), byte(n >> 8), byte(n >> 16), 1}).Read(p)
	return p
}

// sequentialSeal is the reference: one chunk at a time, in order, with
// nothing batched or parallel. The pipeline must produce these bytes.
func sequentialSeal(p []byte) []byte {
	k, err := deriveKeys(pipeKey, pipeSalt, pipeContext)
	if err != nil {
		panic(err)
	}
	out := append(bytes.Clone(pipeSalt), k.commitment[:]...)
	var i uint64
	for ; len(p) >= ChunkSize; i++ {
		out = k.seal(out, p[:ChunkSize], i)
		p = p[ChunkSize:]
	}
	return k.seal(out, p, i)
}

// sealModes are the ways a caller can feed a Writer.
var sealModes = map[string]func(w *Writer, p []byte, rng *rand.Rand) error{
	"one Write": func(w *Writer, p []byte, _ *rand.Rand) error {
		_, err := w.Write(p)
		return err
	},
	"random Writes": func(w *Writer, p []byte, rng *rand.Rand) error {
		for len(p) > 0 {
			n := min(len(p), 1+rng.IntN(3*batchChunks*ChunkSize/2))
			if _, err := w.Write(p[:n]); err != nil {
				return err
			}
			p = p[n:]
		}
		return nil
	},
	"io.Copy (ReadFrom)": func(w *Writer, p []byte, rng *rand.Rand) error {
		_, err := io.Copy(w, &choppyReader{p: p, rng: rng})
		return err
	},
	"Write then ReadFrom": func(w *Writer, p []byte, rng *rand.Rand) error {
		n := rng.IntN(len(p) + 1)
		if _, err := w.Write(p[:n]); err != nil {
			return err
		}
		_, err := w.ReadFrom(&choppyReader{p: p[n:], rng: rng})
		return err
	},
}

// choppyReader returns p in random-sized reads: mostly small, as from a
// pipe, sometimes a whole batch and more, as from a file.
type choppyReader struct {
	p   []byte
	rng *rand.Rand
}

func (c *choppyReader) Read(b []byte) (int, error) {
	if len(c.p) == 0 {
		return 0, io.EOF
	}
	limit := 1 + c.rng.IntN(100<<10)
	if c.rng.IntN(2) == 0 {
		limit = len(b)
	}
	n := copy(b[:min(len(b), limit)], c.p)
	c.p = c.p[n:]
	return n, nil
}

// pipeCase is a plaintext and its sequential sealing, made once per size:
// the tests below go through them many times.
type pipeCase struct{ p, ct []byte }

var pipeCases = sync.OnceValue(func() []pipeCase {
	var cs []pipeCase
	for _, n := range pipeSizes {
		p := pattern(n)
		cs = append(cs, pipeCase{p, sequentialSeal(p)})
	}
	return cs
})

func TestWriterMatchesSequential(t *testing.T) {
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		for name, feed := range sealModes {
			rng := rand.New(rand.NewPCG(uint64(procs), 1))
			for _, c := range pipeCases() {
				p, n := c.p, len(c.p)
				var buf bytes.Buffer
				w, err := newWriter(pipeKey, pipeSalt, &buf, pipeContext)
				if err != nil {
					t.Fatal(err)
				}
				if err := feed(w, p, rng); err != nil {
					t.Fatalf("GOMAXPROCS=%d %s %d: %v", procs, name, n, err)
				}
				if err := w.Close(); err != nil {
					t.Fatalf("GOMAXPROCS=%d %s %d: Close: %v", procs, name, n, err)
				}
				if !bytes.Equal(buf.Bytes(), c.ct) {
					t.Fatalf("GOMAXPROCS=%d %s %d bytes: output differs from sequential sealing", procs, name, n)
				}
				checkSpread(t, w.p, procs, n)
			}
		}
	}
}

// checkSpread checks that the work went to goroutines when it could, and
// never on one core.
func checkSpread(t *testing.T, p pipeline, procs, n int) {
	t.Helper()
	if procs == 1 && p.started > 0 {
		t.Fatalf("GOMAXPROCS=1: %d goroutines started, want the inline path", p.started)
	}
	if procs > 1 && n >= 3<<20 && p.started == 0 {
		t.Fatalf("GOMAXPROCS=%d, %d bytes: no goroutine started", procs, n)
	}
}

// openModes are the ways a caller can drain a Reader.
var openModes = map[string]func(r *Reader, rng *rand.Rand) ([]byte, error){
	"io.Copy (WriteTo)": func(r *Reader, _ *rand.Rand) ([]byte, error) {
		var buf bytes.Buffer
		_, err := io.Copy(&buf, r)
		return buf.Bytes(), err
	},
	"random Reads": func(r *Reader, rng *rand.Rand) ([]byte, error) {
		var out []byte
		b := make([]byte, 3*ChunkSize)
		for {
			n, err := r.Read(b[:1+rng.IntN(len(b))])
			out = append(out, b[:n]...)
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return out, err
			}
		}
	},
}

func openAll(t testing.TB, ct []byte, mode string, rng *rand.Rand) ([]byte, error) {
	t.Helper()
	r, err := NewReader(pipeKey, &choppyReader{p: ct, rng: rng}, pipeContext)
	if err != nil {
		return nil, err
	}
	return openModes[mode](r, rng)
}

func TestReaderParallelRoundTrip(t *testing.T) {
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		for mode := range openModes {
			rng := rand.New(rand.NewPCG(uint64(procs), 2))
			for _, c := range pipeCases() {
				r, err := NewReader(pipeKey, &choppyReader{p: c.ct, rng: rng}, pipeContext)
				if err != nil {
					t.Fatal(err)
				}
				got, err := openModes[mode](r, rng)
				if err != nil || !bytes.Equal(got, c.p) {
					t.Fatalf("GOMAXPROCS=%d %s %d: got %d bytes, %v", procs, mode, len(c.p), len(got), err)
				}
				checkSpread(t, r.p, procs, len(c.p))
			}
		}
	}
}

// TestReaderReleasesEveryChunkBeforeFailure checks that a failure deep in
// a parallel pipeline still releases exactly the chunks before it: not
// fewer (batches read ahead are not lost), not more (nothing after it,
// and nothing unauthenticated).
func TestReaderReleasesEveryChunkBeforeFailure(t *testing.T) {
	p := pattern(100*ChunkSize + 300)
	ct := sequentialSeal(p)
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		for mode := range openModes {
			rng := rand.New(rand.NewPCG(uint64(procs), 3))
			for _, bad := range []int{0, 1, batchChunks - 1, batchChunks, batchChunks + 1, 63, 64, 99, 100} {
				flipped := bytes.Clone(ct)
				flipped[PrefixSize+bad*EncChunkSize+5] ^= 1
				got, err := openAll(t, flipped, mode, rng)
				var ce *ChunkError
				if !errors.As(err, &ce) || ce.Index != uint64(bad) {
					t.Fatalf("GOMAXPROCS=%d %s chunk %d flipped: err = %v", procs, mode, bad, err)
				}
				if !bytes.Equal(got, p[:bad*ChunkSize]) {
					t.Fatalf("GOMAXPROCS=%d %s chunk %d flipped: released %d bytes, want %d",
						procs, mode, bad, len(got), bad*ChunkSize)
				}
			}
			for _, chunks := range []int{1, batchChunks, 99, 100} {
				got, err := openAll(t, ct[:PrefixSize+chunks*EncChunkSize], mode, rng)
				if !errors.Is(err, ErrTruncated) || !bytes.Equal(got, p[:chunks*ChunkSize]) {
					t.Fatalf("GOMAXPROCS=%d %s cut after chunk %d: %d bytes, %v", procs, mode, chunks, len(got), err)
				}
			}
		}
	}
}

// failingReader returns data, then a read error.
type failingReader struct {
	p   []byte
	err error
}

func (f *failingReader) Read(b []byte) (int, error) {
	if len(f.p) == 0 {
		return 0, f.err
	}
	n := copy(b, f.p)
	f.p = f.p[n:]
	return n, nil
}

func TestReaderSourceError(t *testing.T) {
	p := pattern(70 * ChunkSize)
	ct := sequentialSeal(p)
	boom := errors.New("boom")
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		r, err := NewReader(pipeKey, &failingReader{p: ct[:PrefixSize+50*EncChunkSize+7], err: boom}, pipeContext)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if !errors.Is(err, boom) {
			t.Fatalf("GOMAXPROCS=%d: err = %v, want the source's", procs, err)
		}
		if len(got)%ChunkSize != 0 || !bytes.Equal(got, p[:len(got)]) {
			t.Fatalf("GOMAXPROCS=%d: released %d bytes, not whole authenticated chunks", procs, len(got))
		}
		if _, err := r.Read(make([]byte, 1)); !errors.Is(err, boom) {
			t.Fatalf("GOMAXPROCS=%d: error not sticky: %v", procs, err)
		}
	}
}

// TestReadFromSourceError checks that a failing source stops ReadFrom but
// not the Writer: what was read is kept, and Close seals it.
func TestReadFromSourceError(t *testing.T) {
	boom := errors.New("boom")
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		for _, n := range []int{0, 100, 3*batchChunks*ChunkSize + 100} {
			p := pattern(n)
			var buf bytes.Buffer
			w, err := newWriter(pipeKey, pipeSalt, &buf, pipeContext)
			if err != nil {
				t.Fatal(err)
			}
			got, err := w.ReadFrom(&failingReader{p: p, err: boom})
			if !errors.Is(err, boom) || got != int64(n) {
				t.Fatalf("GOMAXPROCS=%d %d: ReadFrom = %d, %v", procs, n, got, err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), sequentialSeal(p)) {
				t.Fatalf("GOMAXPROCS=%d %d: output differs from sequential sealing", procs, n)
			}
		}
	}
}

func TestWriterDestinationErrorIsSticky(t *testing.T) {
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		for after := 1; after < 6; after++ {
			t.Run(fmt.Sprintf("procs=%d,after=%d", procs, after), func(t *testing.T) {
				w, err := newWriter(pipeKey, pipeSalt, &failAfter{n: after}, pipeContext)
				if err != nil {
					t.Fatal(err)
				}
				src := bytes.NewReader(pattern(20 * batchChunks * ChunkSize))
				if _, err := io.Copy(w, src); err == nil {
					t.Fatal("copy to a failing destination succeeded")
				}
				if src.Len() == 0 {
					t.Fatal("ReadFrom read all of its source after the destination failed")
				}
				if _, err := w.Write(pattern(ChunkSize)); err == nil {
					t.Fatal("error not sticky for Write")
				}
				if _, err := w.ReadFrom(bytes.NewReader(nil)); err == nil {
					t.Fatal("error not sticky for ReadFrom")
				}
				if err := w.Close(); err == nil {
					t.Fatal("error not sticky for Close")
				}
			})
		}
	}
}

// failAfter accepts n writes, then fails.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

// TestReadFromDoesNotHoldBack feeds ReadFrom in small pieces, as a pipe
// from a slow producer does, and checks before each read that every whole
// chunk received so far is already sealed and written.
func TestReadFromDoesNotHoldBack(t *testing.T) {
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		var dst bytes.Buffer
		w, err := newWriter(pipeKey, pipeSalt, &dst, pipeContext)
		if err != nil {
			t.Fatal(err)
		}
		src := &watchedReader{t: t, dst: &dst, pieces: []int{ChunkSize + 5, 3, 2 * ChunkSize, 100, 4 * ChunkSize, 7}}
		if _, err := w.ReadFrom(src); err != nil {
			t.Fatal(err)
		}
	}
}

// watchedReader returns pieces of the given sizes and, before each, checks
// that dst holds the sealed form of every whole chunk returned so far.
type watchedReader struct {
	t      *testing.T
	dst    *bytes.Buffer
	pieces []int
	given  int
}

func (r *watchedReader) Read(p []byte) (int, error) {
	if want := PrefixSize + r.given/ChunkSize*EncChunkSize; r.dst.Len() != want {
		r.t.Fatalf("after %d bytes in, %d bytes out, want %d", r.given, r.dst.Len(), want)
	}
	if len(r.pieces) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.pieces[0])
	r.pieces[0] -= n
	if r.pieces[0] == 0 {
		r.pieces = r.pieces[1:]
	}
	r.given += n
	return n, nil
}

// TestReadThenWriteTo reads part of a stream with Read, which leaves
// batches in flight, then the rest with WriteTo, which must write those
// first, then its own.
func TestReadThenWriteTo(t *testing.T) {
	p := pattern(5<<20 + 77)
	ct := sequentialSeal(p)
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		for _, first := range []int{1, ChunkSize, 3 * batchChunks * ChunkSize} {
			r, err := NewReader(pipeKey, bytes.NewReader(ct), pipeContext)
			if err != nil {
				t.Fatal(err)
			}
			head := make([]byte, first)
			if _, err := io.ReadFull(r, head); err != nil {
				t.Fatal(err)
			}
			var rest bytes.Buffer
			n, err := r.WriteTo(&rest)
			if err != nil || n != int64(len(p)-first) || !bytes.Equal(append(head, rest.Bytes()...), p) {
				t.Fatalf("GOMAXPROCS=%d, Read %d then WriteTo: %d bytes, %v", procs, first, n, err)
			}
			if n, err := r.WriteTo(&rest); n != 0 || err != nil {
				t.Fatalf("GOMAXPROCS=%d: WriteTo after the end = %d, %v", procs, n, err)
			}
		}
	}
}

// TestWriteToDestinationError checks that WriteTo counts only what reached
// dst, writes a prefix of the plaintext, and that the error sticks.
func TestWriteToDestinationError(t *testing.T) {
	p := pattern(5 << 20)
	ct := sequentialSeal(p)
	for _, procs := range pipeProcs {
		withProcs(t, procs)
		r, err := NewReader(pipeKey, bytes.NewReader(ct), pipeContext)
		if err != nil {
			t.Fatal(err)
		}
		dst := &limitedBuffer{room: 3 << 20}
		n, err := r.WriteTo(dst)
		if err == nil || n != int64(dst.Len()) || !bytes.Equal(dst.Bytes(), p[:dst.Len()]) {
			t.Fatalf("GOMAXPROCS=%d: WriteTo = %d, %v; dst holds %d bytes", procs, n, err, dst.Len())
		}
		if _, err2 := r.Read(make([]byte, 1)); err2 != err {
			t.Fatalf("GOMAXPROCS=%d: Read after failed WriteTo = %v, want %v", procs, err2, err)
		}
	}
}

// limitedBuffer takes room bytes, then fails, after a short write.
type limitedBuffer struct {
	bytes.Buffer
	room int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	n := min(len(p), l.room)
	l.room -= n
	l.Buffer.Write(p[:n])
	if n < len(p) {
		return n, errors.New("disk full")
	}
	return n, nil
}
