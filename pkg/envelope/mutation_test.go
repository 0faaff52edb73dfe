package envelope_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// maxAlloc bounds what opening one (mutated) vector may allocate. The
// vectors are at most 34 KiB, the header parser allocates only within the
// format's limits (1 MiB in all), and the payload reader in batches of a
// few chunks; a length field that made the reader allocate what it claims
// would blow through this.
const maxAlloc = 4 << 20

// TestVectorMutations mutates every committed vector: every byte inverted
// (and, for vectors that open, every header byte with its low bit flipped;
// an inverted byte never undoes a vector's own one-bit damage), every
// header length field set to 0, its limit, its limit+1 and its type's
// maximum, the header (with salt and commitment) cut at every byte, the
// payload cut around every chunk boundary, and the file extended. Every
// mutant must be rejected (vectors that already fail keep failing) without
// a panic, within maxAlloc, and releasing only a prefix of whole chunks of
// the vector's true plaintext: nothing that did not authenticate.
//
// By default the payload bytes are sampled (every payloadStride-th one is
// inverted; every header byte, length field and cut is still tried), which
// takes a few seconds. The full sweep inverts every payload byte too and
// takes minutes:
//
//	scripts/mutants.sh
//	ENVSEAL_MUTANTS=full go test -count=1 -run '^TestVectorMutations$' ./pkg/envelope
//
// Run it, and see it pass, before any change to the format, the vectors,
// the header parser or the payload reader lands.
func TestVectorMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	goroutines := runtime.NumGoroutine()
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			m := newMutator(t, v)
			start := time.Now()
			m.all()
			t.Logf("%d mutants in %v, at most %d bytes allocated by one",
				m.count, time.Since(start).Round(time.Millisecond), m.peak)
		})
	}
	waitGoroutines(t, goroutines)
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorDir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// truePlaintext is what each vector was sealed from (see writeVectors).
func truePlaintext(name string) []byte {
	switch name {
	case "empty":
		return nil
	case "one-byte":
		return []byte("x")
	case "exact-chunk":
		return pattern(stream.ChunkSize)
	case "unknown-stanza":
		return []byte("ok")
	case "signed-empty":
		return nil
	case "signed-exact-chunk":
		return pattern(stream.ChunkSize)
	case "signed-p256-cert", "signed-rsa2048":
		return []byte("x")
	}
	return pattern(2*stream.ChunkSize + 1000)
}

type mutator struct {
	t     *testing.T
	v     vector
	file  []byte
	ids   []keyprovider.Unwrapper
	truth []byte
	opens bool // the unmutated vector opens
	count int
	peak  uint64
}

func newMutator(t *testing.T, v vector) *mutator {
	m := &mutator{t: t, v: v, truth: truePlaintext(v.Name)}
	for _, name := range v.Keys {
		k, err := localkey.Load(filepath.Join(vectorDir, name), &keyprovider.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m.ids = append(m.ids, k)
	}
	var err error
	if m.file, err = os.ReadFile(filepath.Join(vectorDir, v.File)); err != nil {
		t.Fatal(err)
	}
	got, err := sealtest.Open(context.Background(), m.file, v.RequireContext, m.ids...)
	m.opens = err == nil
	if m.opens && !bytes.Equal(got, m.truth) {
		t.Fatal("truePlaintext does not match what the vector opens to")
	}
	return m
}

// payloadStride is how far apart the payload bytes the sampled sweep
// inverts are: 97, a prime, so the sample does not line up with chunk
// boundaries. The sample also takes every byte of every chunk's tag and
// the first byte of every chunk (see sampled).
const payloadStride = 97

// fullSweep reports whether ENVSEAL_MUTANTS=full asks for every payload
// byte; any other non-empty value is a mistake and fails the test.
func fullSweep(t *testing.T) bool {
	switch v := os.Getenv("ENVSEAL_MUTANTS"); v {
	case "full":
		return true
	case "", "sample":
		return false
	default:
		t.Fatalf("ENVSEAL_MUTANTS=%q: want full, sample or unset", v)
		return false
	}
}

func (m *mutator) all() {
	full := fullSweep(m.t)
	hdrEnd := headerEnd(m.file)
	for i := range m.file {
		if !full && !m.sampled(i, hdrEnd) {
			continue
		}
		m.check(fmt.Sprintf("byte %d inverted", i), xorAt(m.file, i, 0xff))
		// Single-bit flips matter where bits have meanings (lengths,
		// version, flags); in chunks any change is one AEAD failure.
		if m.opens && i < hdrEnd+stream.PrefixSize {
			m.check(fmt.Sprintf("byte %d bit 0 flipped", i), xorAt(m.file, i, 0x01))
		}
	}
	for _, f := range lengthFields(m.file) {
		for _, n := range []int{0, f.limit, f.limit + 1, 1<<(8*f.width) - 1} {
			if n < 1<<(8*f.width) {
				m.check(fmt.Sprintf("%s at %d set to %d", f.name, f.off, n), setField(m.file, f, n))
			}
		}
	}
	for n := 0; n < min(len(m.file), hdrEnd+stream.PrefixSize+1); n++ {
		m.check(fmt.Sprintf("cut at %d", n), m.file[:n])
	}
	for b := hdrEnd + stream.PrefixSize; b <= len(m.file); b += stream.EncChunkSize {
		for _, d := range []int{-stream.TagSize - 1, -stream.TagSize, -1, 0, 1, stream.TagSize} {
			if n := b + d; n > hdrEnd+stream.PrefixSize && n < len(m.file) {
				m.check(fmt.Sprintf("cut at %d", n), m.file[:n])
			}
		}
	}
	m.check("one byte appended", append(bytes.Clone(m.file), 0))
	m.check("file doubled", append(bytes.Clone(m.file), m.file...))
}

// sampled reports whether the sampled sweep inverts byte i: every byte
// of the header, the salt and the commitment, every byte of every chunk's
// tag (the file's last TagSize bytes included), the first byte of every
// chunk, and every payloadStride-th byte in between.
func (m *mutator) sampled(i, hdrEnd int) bool {
	start := hdrEnd + stream.PrefixSize
	if i < start || i%payloadStride == 0 || i >= len(m.file)-stream.TagSize {
		return true
	}
	off := (i - start) % stream.EncChunkSize
	return off == 0 || off >= stream.EncChunkSize-stream.TagSize
}

// check opens one mutant and applies every rule to what happened.
func (m *mutator) check(what string, mutant []byte) {
	t := m.t
	if bytes.Equal(mutant, m.file) {
		return // not a mutation (a field already at that value)
	}
	m.count++
	var released []byte
	var err error
	alloc := allocated(func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("%s: panic: %v", what, r)
			}
		}()
		released, err = sealtest.Open(context.Background(), mutant, m.v.RequireContext, m.ids...)
	})
	m.peak = max(m.peak, alloc)
	switch {
	case err == nil:
		t.Fatalf("%s: accepted", what)
	case alloc > maxAlloc:
		t.Fatalf("%s: allocated %d bytes", what, alloc)
	case len(released)%stream.ChunkSize != 0 || !bytes.HasPrefix(m.truth, released):
		t.Fatalf("%s: released %d bytes that are not whole authenticated chunks (%v)", what, len(released), err)
	}
}

// allocated returns the heap bytes allocated while f ran (the whole
// process's, so the caller runs nothing else meanwhile).
func allocated(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

// waitGoroutines fails if goroutines started by the readers outlive them:
// a failed file must not leave work running.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if runtime.NumGoroutine() <= before {
			return
		}
	}
	t.Errorf("%d goroutines after the suite, %d before", runtime.NumGoroutine(), before)
}

func xorAt(b []byte, i int, mask byte) []byte {
	c := bytes.Clone(b)
	c[i] ^= mask
	return c
}

// field is one length field of a header, found by walking the encoding
// without validating it (so it works on the vectors that fail to parse).
type field struct {
	name       string
	off, width int
	limit      int
}

func setField(b []byte, f field, n int) []byte {
	c := bytes.Clone(b)
	if f.width == 1 {
		c[f.off] = byte(n)
	} else {
		binary.BigEndian.PutUint16(c[f.off:], uint16(n))
	}
	return c
}

// lengthFields lists a header's length fields with their format limits.
func lengthFields(b []byte) []field {
	w := &walker{b: b, i: len(envelope.Magic) + 2}
	n := w.field("context count", 1, envelope.MaxContextPairs, 0)
	for range n {
		w.skip(w.field("context key length", 1, envelope.MaxContextKey, 0))
		w.skip(w.field("context value length", 2, envelope.MaxContextValue, 0))
	}
	n = w.field("stanza count", 1, envelope.MaxStanzas, 0)
	for range n {
		w.skip(w.field("stanza type length", 1, envelope.MaxStanzaType, 0))
		w.skip(w.field("stanza key id length", 2, envelope.MaxKeyID, 0))
		w.skip(w.field("stanza body length", 2, envelope.MaxStanzaBody, 0))
	}
	if len(b) > len(envelope.Magic) && b[len(envelope.Magic)] == envelope.VersionSigned {
		w.signer()
	}
	return w.fields
}

// signer walks the signer block of a signed header. The signature size
// has no limit of its own: its one valid value follows from the key.
func (w *walker) signer() {
	w.field("signature algorithm", 1, 4, 0)
	w.field("signature size", 2, 512, 0)
	w.skip(w.field("signer key length", 2, envelope.MaxSignerKey, 0))
	n := w.field("signer certificate count", 1, envelope.MaxSignerCerts, 0)
	for range n {
		w.skip(w.field("signer certificate length", 2, envelope.MaxSignerCert, 0))
	}
}

// headerEnd is where the payload starts: after the last stanza and the MAC.
func headerEnd(b []byte) int {
	w := &walker{b: b, i: len(envelope.Magic) + 2}
	lengthFields(b) // same walk; repeated below for the position
	n := w.field("", 1, 0, 0)
	for range n {
		w.skip(w.field("", 1, 0, 0))
		w.skip(w.field("", 2, 0, 0))
	}
	n = w.field("", 1, 0, 0)
	for range n {
		w.skip(w.field("", 1, 0, 0))
		w.skip(w.field("", 2, 0, 0))
		w.skip(w.field("", 2, 0, 0))
	}
	if len(b) > len(envelope.Magic) && b[len(envelope.Magic)] == envelope.VersionSigned {
		w.signer()
	}
	return min(w.i+envelope.MACSize, len(b))
}

type walker struct {
	b      []byte
	i      int
	fields []field
}

func (w *walker) field(name string, width, limit, _ int) int {
	if w.i+width > len(w.b) {
		w.i = len(w.b)
		return 0
	}
	w.fields = append(w.fields, field{name: name, off: w.i, width: width, limit: limit})
	n := int(w.b[w.i])
	if width == 2 {
		n = int(binary.BigEndian.Uint16(w.b[w.i:]))
	}
	w.i += width
	return n
}

func (w *walker) skip(n int) { w.i = min(w.i+n, len(w.b)) }
