package envelope_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/pkg/envelope"
)

// FuzzParse checks that the parser never panics, never reads past its
// limit, and is canonical: whatever it accepts re-encodes to the same bytes.
func FuzzParse(f *testing.F) {
	f.Add(sealtest.Seal(f, []byte("x"), map[string]string{"a": "b"}, newKey(f, 1)))
	f.Add(sealtest.Seal(f, nil, nil, newKey(f, 1), newKey(f, 2)))
	f.Add([]byte("ENVSEAL\x01\x01\x00\x01\x04file\x00\x01a\x00\x01z"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := envelope.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		if h.Size() > envelope.MaxHeaderSize || h.Size() > int64(len(data)) {
			t.Fatalf("header size %d out of bounds", h.Size())
		}
		enc, err := h.Marshal()
		if err != nil {
			t.Fatalf("parsed header does not re-encode: %v", err)
		}
		if !bytes.Equal(enc, data[:h.Size()]) {
			t.Fatal("parser accepted a non-canonical encoding")
		}
	})
}

// FuzzDecrypt runs whole files through Decrypt with the right key: it must
// not panic, and whatever opens must open to the sealed plaintext. (Sealing
// is randomized and fuzz workers are separate processes, so the test cannot
// compare against the seed's exact bytes.)
func FuzzDecrypt(f *testing.F) {
	k := newKey(f, 1)
	want := bytes.Repeat([]byte("z"), 100)
	f.Add(sealtest.Seal(f, want, map[string]string{"a": "b"}, k))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := sealtest.Open(context.Background(), data, nil, k)
		if err == nil && !bytes.Equal(got, want) {
			t.Fatal("a mutated file opened to other plaintext")
		}
	})
}
