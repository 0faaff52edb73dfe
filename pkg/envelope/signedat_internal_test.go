package envelope

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// swapAt serves a until the signature (the last sig bytes) has been read,
// then b: a file rewritten in place while it was being verified.
type swapAt struct {
	a, b    []byte
	sig     int
	swapped atomic.Bool
}

func (s *swapAt) ReadAt(p []byte, off int64) (int, error) {
	src := s.a
	if s.swapped.Load() {
		src = s.b
	}
	if off+int64(len(p)) > int64(len(s.a)-s.sig) {
		defer s.swapped.Store(true)
	}
	return bytes.NewReader(src).ReadAt(p, off)
}

// A recipient who holds the data key can make a payload that
// authenticates under a signed file's header. Written over the file
// after DecryptAtWith verified the signature, it must not be released.
func TestDecryptAtRefusesAFileChangedAfterVerifying(t *testing.T) {
	ctx := t.Context()
	k, _ := localkey.New(bytes.Repeat([]byte{1}, 32), "file:k")
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	pt1 := bytes.Repeat([]byte("good"), (2*verifiedBlock+5000)/4)
	pt2 := bytes.Repeat([]byte("evil"), len(pt1)/4)

	var a bytes.Buffer
	w, err := EncryptWith(ctx, &a, []keyprovider.Wrapper{k}, nil, &SealOptions{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(pt1)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := Parse(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(ctx, []keyprovider.Unwrapper{k})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	pw, err := h.newPayload(&b, dk, nil) // the header again, a new payload, no signature
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(pt2)
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	sig := h.Signer.SignatureSize
	b.Write(a.Bytes()[a.Len()-sig:])
	if a.Len() != b.Len() {
		t.Fatalf("sizes %d and %d", a.Len(), b.Len())
	}

	src := &swapAt{a: a.Bytes(), b: b.Bytes(), sig: sig}
	_, ra, n, err := DecryptAtWith(ctx, src, int64(a.Len()), []keyprovider.Unwrapper{k}, nil)
	if err == nil {
		got, rerr := io.ReadAll(io.NewSectionReader(ra, 0, n))
		if bytes.Contains(got, []byte("evil")) {
			t.Fatalf("released %d bytes of the swapped payload", bytes.Count(got, []byte("evil"))*4)
		}
		err = rerr
	}
	if !errors.Is(err, ErrChanged) || !errors.Is(err, ErrSignature) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}

	// Unchanged, every range reads back.
	_, ra, n, err = DecryptAtWith(ctx, bytes.NewReader(a.Bytes()), int64(a.Len()), []keyprovider.Unwrapper{k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]int64{{0, n}, {verifiedBlock - 3, 10}, {n - 1, 1}, {n - 70000, 70000}, {5, 0}} {
		got := make([]byte, r[1])
		if _, err := ra.ReadAt(got, r[0]); err != nil && err != io.EOF {
			t.Fatalf("ReadAt(%d, %d): %v", r[1], r[0], err)
		}
		if !bytes.Equal(got, pt1[r[0]:r[0]+r[1]]) {
			t.Fatalf("ReadAt(%d, %d): wrong bytes", r[1], r[0])
		}
	}
}
