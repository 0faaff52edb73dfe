package envelope_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// reencrypt parses file, takes the data key with id, checks the old
// payload opens under OpenPayload, and writes plain as a new payload under
// the same header with Reencrypt.
func reencrypt(t *testing.T, file []byte, id keyprovider.Unwrapper, plain []byte) []byte {
	t.Helper()
	src := bytes.NewReader(file)
	h, err := envelope.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{id})
	if err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(src)
	if _, err := h.OpenPayload(dk, bytes.NewReader(rest)); err != nil {
		t.Fatalf("OpenPayload: %v", err)
	}
	var out bytes.Buffer
	w, err := envelope.Reencrypt(h, dk, rest[:envelope.PayloadPrefixSize], &out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A payload re-encrypted with one recipient's key keeps the header byte
// for byte, gets a fresh salt, and opens for every recipient, with the
// context still required.
func TestReencryptKeepsHeader(t *testing.T) {
	a, b := newKey(t, 1), newKey(t, 2)
	encCtx := map[string]string{"env": "prod"}
	file := sealtest.Seal(t, []byte("OLD=1\n"), encCtx, a, b)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	out := reencrypt(t, file, a, []byte("NEW=2\n"))
	n := h.Size()
	if !bytes.Equal(out[:n], file[:n]) {
		t.Fatal("the header changed")
	}
	if bytes.Equal(out[n:n+stream.SaltSize], file[n:n+stream.SaltSize]) {
		t.Fatal("the salt was reused")
	}
	for name, id := range map[string]keyprovider.Unwrapper{"editor": a, "other recipient": b} {
		got, err := sealtest.Open(context.Background(), out, encCtx, id)
		if err != nil || string(got) != "NEW=2\n" {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := sealtest.Open(context.Background(), out, map[string]string{"env": "dev"}, a); err == nil {
		t.Error("the context is no longer required")
	}
}

// Reencrypt refuses a data key that does not authenticate the header, and
// a prefix that does not commit to the data key (a payload spliced from
// another file), and writes nothing then.
func TestReencryptRefuses(t *testing.T) {
	a := newKey(t, 1)
	file := sealtest.Seal(t, []byte("x"), nil, a)
	other := sealtest.Seal(t, []byte("y"), nil, a)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{a})
	if err != nil {
		t.Fatal(err)
	}
	prefix := file[h.Size() : h.Size()+envelope.PayloadPrefixSize]
	oh, _ := envelope.Parse(bytes.NewReader(other))
	otherPrefix := other[oh.Size() : oh.Size()+envelope.PayloadPrefixSize]
	wrong := bytes.Repeat([]byte{7}, keyprovider.DataKeySize)
	tests := []struct {
		name   string
		dk     []byte
		prefix []byte
		want   error
	}{
		{"wrong data key", wrong, prefix, envelope.ErrHeaderMAC},
		{"another file's payload", dk, otherPrefix, stream.ErrCommitment},
		{"short prefix", dk, prefix[:10], stream.ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := envelope.Reencrypt(h, tt.dk, tt.prefix, &out)
			if !errors.Is(err, tt.want) {
				t.Errorf("Reencrypt = %v, want %v", err, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes written", out.Len())
			}
		})
	}
	if _, err := h.OpenPayload(wrong, bytes.NewReader(file[h.Size():])); !errors.Is(err, envelope.ErrHeaderMAC) {
		t.Errorf("OpenPayload with a wrong data key = %v", err)
	}
}

// NewHeader makes a fresh data key each time, and a header NewPayload
// accepts only with that key.
func TestNewHeaderRotates(t *testing.T) {
	a := newKey(t, 1)
	h1, dk1, err := envelope.NewHeader(context.Background(), []keyprovider.Wrapper{a}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	_, dk2, err := envelope.NewHeader(context.Background(), []keyprovider.Wrapper{a}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(dk1, dk2) {
		t.Fatal("two headers share a data key")
	}
	var out bytes.Buffer
	if _, err := h1.NewPayload(&out, dk2); !errors.Is(err, envelope.ErrHeaderMAC) || out.Len() != 0 {
		t.Fatalf("NewPayload with another data key = %v, %d bytes written", err, out.Len())
	}
	w, err := h1.NewPayload(&out, dk1)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("z"))
	w.Close()
	if got, err := sealtest.Open(context.Background(), out.Bytes(), map[string]string{"k": "v"}, a); err != nil || string(got) != "z" {
		t.Fatalf("open = %q, %v", got, err)
	}
}

// NewPayload writes only under a header NewHeader made: a file's parsed
// header, even with its own data key, must go through Reencrypt, which
// checks the old payload's commitment; so must a fresh header whose
// stanzas and MAC were swapped for a parsed one's.
func TestNewPayloadRefusesParsedHeader(t *testing.T) {
	a := newKey(t, 1)
	file := sealtest.Seal(t, []byte("OLD=1\n"), nil, a)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{a})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := h.NewPayload(&out, dk); !errors.Is(err, envelope.ErrNotNewHeader) || out.Len() != 0 {
		t.Errorf("NewPayload of a parsed header = %v, %d bytes written; want ErrNotNewHeader", err, out.Len())
	}
	nh, _, err := envelope.NewHeader(context.Background(), []keyprovider.Wrapper{a}, nil)
	if err != nil {
		t.Fatal(err)
	}
	nh.Stanzas, nh.MAC, nh.Context = h.Stanzas, h.MAC, h.Context
	if _, err := nh.NewPayload(&out, dk); !errors.Is(err, envelope.ErrNotNewHeader) || out.Len() != 0 {
		t.Errorf("NewPayload of a header made to look parsed = %v; want ErrNotNewHeader", err)
	}
	// Reencrypt, with the commitment, is the way
	if _, err := envelope.Reencrypt(h, dk, file[h.Size():h.Size()+envelope.PayloadPrefixSize], &out); err != nil {
		t.Errorf("Reencrypt: %v", err)
	}
}
