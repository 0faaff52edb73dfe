package envelope_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// writeVectors regenerates testdata/vectors. It runs only with
// -update-vectors: the committed files are what pin the format.
func writeVectors(t *testing.T) {
	keys := map[string]*localkey.Key{}
	for i, name := range []string{"key-a.key", "key-b.key", "key-c.key"} {
		kek := bytes.Repeat([]byte{byte(0xa0 + i)}, 32)
		data, err := localkey.Marshal(kek)
		if err != nil {
			t.Fatal(err)
		}
		write(t, name, data)
		keys[name], _ = localkey.New(kek, "file:"+name)
	}
	a, b := keys["key-a.key"], keys["key-b.key"]
	ctx := map[string]string{"app": "billing", "env": "prod"}
	three := pattern(2*stream.ChunkSize + 1000)
	base := sealtest.Seal(t, three, ctx, a)
	hdr, _ := envelope.Parse(bytes.NewReader(base))
	c0 := int(hdr.Size()) + stream.PrefixSize
	c1 := c0 + stream.EncChunkSize
	c2 := c1 + stream.EncChunkSize

	var vs []vector
	add := func(name, desc string, file []byte, keyNames []string, req map[string]string, outcome string, released []byte) {
		write(t, name+".sealed", file)
		sum := sha256.Sum256(released)
		vs = append(vs, vector{Name: name, File: name + ".sealed", Keys: keyNames, RequireContext: req,
			Outcome: outcome, ReleasedSHA256: hex.EncodeToString(sum[:]), ReleasedLength: len(released), Description: desc})
	}
	add("empty", "empty plaintext: one empty final chunk", sealtest.Seal(t, nil, nil, a), []string{"key-a.key"}, nil, "ok", nil)
	add("one-byte", "single byte", sealtest.Seal(t, []byte("x"), nil, a), []string{"key-a.key"}, nil, "ok", []byte("x"))
	full := pattern(stream.ChunkSize)
	add("exact-chunk", "16384 bytes: a full chunk then an empty final chunk", sealtest.Seal(t, full, nil, a), []string{"key-a.key"}, nil, "ok", full)
	add("three-chunks-context", "two full chunks and a short one, with context", base, []string{"key-a.key"}, ctx, "ok", three)
	two := sealtest.Seal(t, three, ctx, a, b)
	add("two-recipients", "sealed for key-a and key-b, opened with key-b", two, []string{"key-b.key"}, nil, "ok", three)
	add("wrong-key", "sealed for key-a and key-b, opened with key-c", two, []string{"key-c.key"}, nil, "no-matching-key", nil)
	add("context-mismatch", "requires env=dev, file has env=prod", base, []string{"key-a.key"}, map[string]string{"env": "dev"}, "context-mismatch", nil)
	add("header-flip", "one bit of a context value flipped", flip(base, 17), []string{"key-a.key"}, nil, "header-authentication", nil)
	add("stanza-flip", "one bit of the wrapped data key flipped", flip(base, int(hdr.Size())-40), []string{"key-a.key"}, nil, "stanza-authentication", nil)
	add("chunk1-flip", "one bit of the second chunk flipped: the first is released", flip(base, c1+100), []string{"key-a.key"}, nil, "chunk-authentication", three[:stream.ChunkSize])
	add("final-dropped", "the final short chunk removed", base[:c2], []string{"key-a.key"}, nil, "truncated", three[:2*stream.ChunkSize])
	add("appended-byte", "one byte appended after the final chunk", append(bytes.Clone(base), 0), []string{"key-a.key"}, nil, "chunk-authentication", three[:2*stream.ChunkSize])
	swapped := bytes.Clone(base)
	copy(swapped[c0:c1], base[c1:c2])
	copy(swapped[c1:c2], base[c0:c1])
	add("chunks-swapped", "first two chunks swapped", swapped, []string{"key-a.key"}, nil, "chunk-authentication", nil)
	v2 := bytes.Clone(base)
	v2[7] = 2
	add("version-2", "format version byte set to 2", v2, []string{"key-a.key"}, nil, "unsupported-version", nil)
	add("unknown-stanza", "a stanza of an unknown type before the key-a stanza", sealtest.Seal(t, []byte("ok"), nil, stanzaOnly{}, a), []string{"key-a.key"}, nil, "ok", []byte("ok"))
	data, _ := json.MarshalIndent(vs, "", "  ")
	write(t, "vectors.json", append(data, '\n'))
}

func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*31 + i/256)
	}
	return p
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(vectorDir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

var _ keyprovider.Wrapper = stanzaOnly{}
