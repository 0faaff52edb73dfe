package secretbuf

import (
	"bytes"
	"errors"
	"testing"
)

var errFull = errors.New("full")

// Growing the buffer wipes the array it leaves behind, and Wipe wipes the
// last one, so no copy of the plaintext outlives the buffer's use.
func TestWipesOnGrowAndWipe(t *testing.T) {
	const limit = 1 << 20
	sb := New(limit, errFull)
	if _, err := sb.Write([]byte("SECRET=hunter2\n")); err != nil {
		t.Fatal(err)
	}
	old := sb.b[:cap(sb.b)]
	if _, err := sb.Write(bytes.Repeat([]byte("x"), 4*cap(old))); err != nil {
		t.Fatal(err)
	}
	if !allZero(old) {
		t.Errorf("the array left by growth still holds %q", old)
	}
	if got := sb.Bytes(); !bytes.HasPrefix(got, []byte("SECRET=hunter2\nxxx")) || len(got) != 15+4*cap(old) {
		t.Errorf("Bytes = %d bytes, not what was written", len(got))
	}
	last := sb.b[:cap(sb.b)]
	sb.Wipe()
	if !allZero(last) || len(sb.Bytes()) != 0 {
		t.Errorf("Wipe left the plaintext in the buffer")
	}
	// A refused write must not keep what came before either.
	if _, err := sb.Write([]byte("SECRET")); err != nil {
		t.Fatal(err)
	}
	held := sb.b[:cap(sb.b)]
	if _, err := sb.Write(make([]byte, limit)); !errors.Is(err, errFull) {
		t.Fatalf("err = %v, want the full error", err)
	}
	sb.Wipe()
	if !allZero(held) {
		t.Errorf("Wipe after an error left the plaintext in the buffer")
	}
}

func TestLimit(t *testing.T) {
	sb := New(10, errFull)
	if n, err := sb.Write(make([]byte, 10)); n != 10 || err != nil {
		t.Fatalf("Write up to the limit = %d, %v", n, err)
	}
	if n, err := sb.Write([]byte{1}); n != 0 || !errors.Is(err, errFull) {
		t.Fatalf("Write past the limit = %d, %v; want 0, the full error", n, err)
	}
	if cap(sb.b) > 10 {
		t.Errorf("grew to %d bytes, past the limit", cap(sb.b))
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
