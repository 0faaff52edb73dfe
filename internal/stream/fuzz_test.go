package stream_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/envseal/envseal/internal/stream"
)

// FuzzReader feeds arbitrary payloads to the streaming reader. Whatever the
// input, it must not panic, and any payload it accepts must have the exact
// size the format allows for what it released.
func FuzzReader(f *testing.F) {
	key := testKey(f)
	for _, n := range []int{0, 1, 100} {
		var buf bytes.Buffer
		w, _ := stream.NewWriter(key, &buf, testContext)
		w.Write(make([]byte, n))
		w.Close()
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, ct []byte) {
		r, err := stream.NewReader(key, bytes.NewReader(ct), testContext)
		if err != nil {
			return
		}
		got, err := io.ReadAll(r)
		if err == nil && stream.CiphertextSize(int64(len(got))) != int64(len(ct)) {
			t.Fatalf("accepted %d-byte payload releasing %d bytes", len(ct), len(got))
		}
	})
}

// FuzzRoundTrip seals arbitrary data and checks that both the streaming and
// the random-access readers return it.
func FuzzRoundTrip(f *testing.F) {
	key := testKey(f)
	f.Add([]byte("hello"), uint16(3))
	f.Fuzz(func(t *testing.T, p []byte, step uint16) {
		var buf bytes.Buffer
		w, err := stream.NewWriter(key, &buf, testContext)
		if err != nil {
			t.Fatal(err)
		}
		s := int(step)%stream.ChunkSize + 1
		for rest := p; len(rest) > 0; rest = rest[min(s, len(rest)):] {
			if _, err := w.Write(rest[:min(s, len(rest))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := open(key, buf.Bytes())
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("stream round trip: %v", err)
		}
		ra, err := stream.NewReaderAt(key, bytes.NewReader(buf.Bytes()), int64(buf.Len()), testContext)
		if err != nil {
			t.Fatal(err)
		}
		all := make([]byte, len(p))
		if n, err := ra.ReadAt(all, 0); n != len(p) || (err != nil && err != io.EOF) || !bytes.Equal(all, p) {
			t.Fatalf("ReadAt round trip: %d, %v", n, err)
		}
	})
}
