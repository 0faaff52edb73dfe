package envelope_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// FuzzDecryptAt runs whole files through the random-access reader, which
// derives the plaintext size from the file's size: it must not panic, and
// whatever it returns, from any offset, must be the sealed plaintext's
// bytes at that offset.
func FuzzDecryptAt(f *testing.F) {
	k := newKey(f, 1)
	want := bytes.Repeat([]byte("z"), 100)
	f.Add(sealtest.Seal(f, want, map[string]string{"a": "b"}, k), uint16(7))
	f.Fuzz(func(t *testing.T, data []byte, off uint16) {
		_, ra, _, err := envelope.DecryptAt(context.Background(), bytes.NewReader(data), int64(len(data)),
			[]keyprovider.Unwrapper{k}, nil)
		if err != nil {
			return
		}
		at := int64(off) % int64(len(want)+1)
		buf := make([]byte, len(want))
		n, err := ra.ReadAt(buf, at)
		if err != nil && err != io.EOF {
			return
		}
		if !bytes.Equal(buf[:n], want[at:at+int64(n)]) {
			t.Fatalf("ReadAt(%d) released %d bytes that are not the sealed plaintext", at, n)
		}
	})
}
