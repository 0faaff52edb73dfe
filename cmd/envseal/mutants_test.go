package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
)

// TestMutantsThroughBinary runs a sample of the mutation suite
// (pkg/envelope TestVectorMutations, which covers every byte in-process)
// through the binary as a user would: every third header byte of a vector
// inverted, and the file cut inside the header and around each chunk
// boundary. Each must exit 1 with one error line, leave no -o file, and
// print to stdout only whole chunks of the true plaintext.
func TestMutantsThroughBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "testdata", "vectors")
	for _, f := range []string{"three-chunks-context.sealed", "key-a.key"} {
		data := readFile(t, filepath.Join(src, f))
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	file := readFile(t, filepath.Join(dir, "three-chunks-context.sealed"))
	truth := mustRun(t, dir, "open", "-k", "file:key-a.key", "three-chunks-context.sealed").stdout
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	end := int(h.Size()) + stream.PrefixSize
	mutants := map[string][]byte{}
	for i := 0; i < end; i += 3 { // every byte: pkg/envelope TestVectorMutations
		m := bytes.Clone(file)
		m[i] ^= 0xff
		mutants[fmt.Sprint("byte-", i)] = m
	}
	for _, n := range []int{0, 7, 8, 9, 20, int(h.Size()) - 1, end - 1, end + 16, end + stream.EncChunkSize,
		end + stream.EncChunkSize + 15, end + 2*stream.EncChunkSize, len(file) - 1} {
		mutants[fmt.Sprint("cut-", n)] = file[:n]
	}
	for name, m := range mutants {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, m, 0o644); err != nil {
			t.Fatal(err)
		}
		r := runEnvseal(t, dir, nil, "open", "-k", "file:key-a.key", "-o", name+".out", name)
		if r.code != 1 || bytes.Count(r.stderr, []byte("envseal: error: ")) != 1 {
			t.Errorf("%s: exit %d, stderr %q", name, r.code, r.stderr)
		}
		if _, err := os.Stat(path + ".out"); !os.IsNotExist(err) {
			t.Errorf("%s: output file exists", name)
		}
		r = runEnvseal(t, dir, nil, "open", "-k", "file:key-a.key", name)
		if r.code != 1 || len(r.stdout)%stream.ChunkSize != 0 || !bytes.HasPrefix(truth, r.stdout) {
			t.Errorf("%s: exit %d, released %d bytes that are not whole authenticated chunks", name, r.code, len(r.stdout))
		}
	}
	if m := tempFiles(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}
