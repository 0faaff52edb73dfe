package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file replaced by another program after an in-place writer read it is
// not overwritten: the check runs at the commit, just before the rename,
// not only before the (possibly long) encryption.
func TestInPlaceLockCheckedAtCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.sealed")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := lockInPlace(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := lockInPlace(path); err == nil || !strings.Contains(err.Error(), "being changed by another envseal") {
		t.Errorf("second lock: %v, want refused", err)
	}
	out, err := createOutput(path, true, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Write([]byte("ours")); err != nil {
		t.Fatal(err)
	}
	// git checkout meanwhile: a new file renamed over the path
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if err := out.commit(); err == nil || !strings.Contains(err.Error(), "changed on disk while it was open") {
		t.Errorf("commit: %v, want refused", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Errorf("file holds %q, want the other program's content kept", b)
	}
	l.Close()
	if lockCheck(path) != nil {
		t.Error("lock still registered after Close")
	}
}
