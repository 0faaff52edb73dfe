package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

var signingKeys = sync.OnceValue(func() map[string]crypto.Signer {
	m := map[string]crypto.Signer{}
	_, m["ed25519"], _ = ed25519.GenerateKey(rand.Reader)
	m["p256"], _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	m["p384"], _ = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	m["rsa2048"], _ = rsa.GenerateKey(rand.Reader, 2048)
	return m
})

func sealSigned(t *testing.T, pt []byte, s crypto.Signer, k keyprovider.Wrapper) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := envelope.EncryptWith(t.Context(), &buf, []keyprovider.Wrapper{k}, nil, &envelope.SealOptions{Signer: s})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSignedRoundTrip(t *testing.T) {
	k, _ := localkey.New(bytes.Repeat([]byte{1}, 32), "file:k")
	for name, s := range signingKeys() {
		for _, n := range []int{0, 1, stream.ChunkSize, 3*stream.ChunkSize + 7} {
			pt := pattern(n)
			file := sealSigned(t, pt, s, k)
			if file[7] != envelope.VersionSigned {
				t.Fatalf("%s: version %d", name, file[7])
			}
			got, err := sealtest.Open(t.Context(), file, nil, k)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("%s %d: %v", name, n, err)
			}
			h, ra, size, err := envelope.DecryptAt(t.Context(), bytes.NewReader(file), int64(len(file)), []keyprovider.Unwrapper{k}, nil)
			if err != nil || size != int64(n) || h.Signer == nil {
				t.Fatalf("%s %d: DecryptAt: %v size %d", name, n, err, size)
			}
			got, _ = io.ReadAll(io.NewSectionReader(ra, 0, size))
			if !bytes.Equal(got, pt) {
				t.Fatalf("%s: DecryptAt plaintext differs", name)
			}
			// The last byte of the signature.
			bad := bytes.Clone(file)
			bad[len(bad)-1] ^= 1
			got, err = sealtest.Open(t.Context(), bad, nil, k)
			if !errors.Is(err, envelope.ErrSignature) || len(got) != n-n%stream.ChunkSize {
				t.Fatalf("%s %d: signature flipped: %v, released %d", name, n, err, len(got))
			}
			if _, _, _, err := envelope.DecryptAt(t.Context(), bytes.NewReader(bad), int64(len(bad)), []keyprovider.Unwrapper{k}, nil); !errors.Is(err, envelope.ErrSignature) {
				t.Fatalf("%s: DecryptAt of a bad signature: %v", name, err)
			}
			for _, cut := range []int{1, len(file) - len(bad) + 1, 64} {
				if _, err := sealtest.Open(t.Context(), file[:len(file)-cut], nil, k); err == nil {
					t.Fatalf("%s: cut %d accepted", name, cut)
				}
			}
			if _, err := sealtest.Open(t.Context(), append(bytes.Clone(file), 0), nil, k); err == nil {
				t.Fatalf("%s: extended accepted", name)
			}
		}
	}
}

func TestSignedHeaderRefusals(t *testing.T) {
	k, _ := localkey.New(bytes.Repeat([]byte{1}, 32), "file:k")
	file := sealSigned(t, []byte("x"), signingKeys()["ed25519"], k)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(t.Context(), []keyprovider.Unwrapper{k})
	if err != nil {
		t.Fatal(err)
	}
	// A parsed header never gets a new payload from NewPayload (that is
	// Reencrypt's job), signed or not.
	if _, err := h.NewPayload(io.Discard, dk); !errors.Is(err, envelope.ErrNotNewHeader) {
		t.Errorf("NewPayload: %v", err)
	}
	prefix := file[h.Size() : h.Size()+envelope.PayloadPrefixSize]
	if _, err := envelope.Reencrypt(h, dk, prefix, io.Discard); !errors.Is(err, envelope.ErrSigned) {
		t.Errorf("Reencrypt: %v", err)
	}
	if _, err := envelope.Rewrap(h, dk, h.Stanzas, prefix); !errors.Is(err, envelope.ErrSigned) {
		t.Errorf("Rewrap: %v", err)
	}
	// Re-encoding gives the same bytes.
	b, _ := h.Marshal()
	if !bytes.Equal(b, file[:h.Size()]) {
		t.Error("signed header does not re-encode to its bytes")
	}
}

// The signed reader's WriteTo (the payload reader's batches written to
// the destination directly) releases exactly what Read releases, for
// every signed vector and for files with a partial or empty final chunk:
// the final chunk only after the signature verified.
func TestSignedWriteToMatchesRead(t *testing.T) {
	a, err := localkey.Load(filepath.Join(vectorDir, "key-a.key"), &keyprovider.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	names, _ := filepath.Glob(filepath.Join(vectorDir, "signed-*.sealed"))
	for _, n := range names {
		files[filepath.Base(n)], _ = os.ReadFile(n)
	}
	s := signingKeys()["ed25519"]
	for _, n := range []int{0, 5, stream.ChunkSize, 40*stream.ChunkSize + 3, 64 * stream.ChunkSize} {
		f := sealSigned(t, pattern(n), s, a)
		files[fmt.Sprintf("%d bytes", n)] = f
		files[fmt.Sprintf("%d bytes, bad signature", n)] = flipLast(f)
	}
	for name, f := range files {
		open := func(viaWriteTo bool) ([]byte, error) {
			_, r, err := envelope.Decrypt(t.Context(), bytes.NewReader(f), []keyprovider.Unwrapper{a}, nil)
			if err != nil {
				return nil, err
			}
			if !viaWriteTo {
				return io.ReadAll(r)
			}
			if _, ok := r.(io.WriterTo); !ok {
				t.Fatalf("%s: the signed reader has no WriteTo", name)
			}
			var buf bytes.Buffer
			_, err = r.(io.WriterTo).WriteTo(&buf)
			return buf.Bytes(), err
		}
		want, werr := open(false)
		got, gerr := open(true)
		if fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: WriteTo error %v, Read error %v", name, gerr, werr)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: WriteTo released %d bytes, Read %d", name, len(got), len(want))
		}
	}
}

func flipLast(f []byte) []byte {
	f = bytes.Clone(f)
	f[len(f)-1] ^= 1
	return f
}
