package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedDocs regenerates the reference and fails while the
// committed docs/cli differs from it.
func TestCommittedDocs(t *testing.T) {
	committed := filepath.Join("..", "..", "docs", "cli")
	fresh := t.TempDir()
	if err := generate(fresh); err != nil {
		t.Fatal(err)
	}
	want, got := readTree(t, fresh), readTree(t, committed)
	for name, data := range want {
		if old, ok := got[name]; !ok {
			t.Errorf("docs/cli/%s is missing: run scripts/gen-docs.sh", name)
		} else if !bytes.Equal(old, data) {
			t.Errorf("docs/cli/%s is stale: run scripts/gen-docs.sh", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("docs/cli/%s is not generated (a removed command?): run scripts/gen-docs.sh", name)
		}
	}
}

// TestGenerateReplacesOldPages checks that a page of a command that no
// longer exists is removed, and that a second run changes nothing.
func TestGenerateReplacesOldPages(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	first := readTree(t, dir)
	for _, old := range []string{"envseal_gone.md", filepath.Join("man1", "envseal-gone.1")} {
		if err := os.WriteFile(filepath.Join(dir, old), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	second := readTree(t, dir)
	if len(second) != len(first) {
		t.Errorf("second run: %d files, first: %d", len(second), len(first))
	}
	for name, data := range first {
		if !bytes.Equal(second[name], data) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
