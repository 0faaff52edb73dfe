//go:build linux

package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/envseal/envseal/internal/testci"
)

// smallFS mounts a 1 MiB tmpfs for the test and unmounts it afterwards. It
// needs root (CAP_SYS_ADMIN); without it the test is skipped, since the
// in-process test in internal/cli (TestOutputNoSpace) covers the same path with
// a device that is always full.
func smallFS(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "envseal-test", dir).CombinedOutput()
	if err != nil {
		msg := "cannot mount a small tmpfs (needs root), TestOutputNoSpace covers this in-process"
		if testci.Enabled() {
			t.Logf("CI: %s: %v: %s", msg, err, out)
		}
		t.Skipf("%s: %v: %s", msg, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// freeBytes returns the free space of the filesystem holding dir.
func freeBytes(t *testing.T, dir string) uint64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return st.Bavail * uint64(st.Bsize)
}

// TestDiskFull seals and opens into a filesystem that fills up mid-run:
// exit 1, a message naming the output and the cause, a hint, no output
// file, no temp file, the space given back, and the input untouched.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := smallFS(t)
	mustRun(t, dir, "keygen", "-o", "k.key")
	plain := make([]byte, 3<<20)
	rand.Read(plain)
	writeFile(t, filepath.Join(dir, "plain"), plain)
	mustRun(t, dir, "seal", "-k", "file:k.key", "-o", "plain.sealed", "plain")
	sealed := readFile(t, filepath.Join(dir, "plain.sealed"))
	free := freeBytes(t, small)

	for _, tt := range []struct{ verb, in string }{{"seal", "plain"}, {"open", "plain.sealed"}} {
		out := filepath.Join(small, tt.verb+".out")
		r := runEnvseal(t, dir, nil, tt.verb, "-k", "file:k.key", "-o", out, tt.in)
		t.Logf("%s: exit %d: %s", tt.verb, r.code, bytes.TrimSpace(r.stderr))
		if r.code != 1 {
			t.Errorf("%s: exit %d, want 1", tt.verb, r.code)
		}
		for _, want := range []string{"envseal: error: failed to write output file " + out + ": no space left on device\n",
			"envseal: hint: the filesystem is full"} {
			if !bytes.Contains(r.stderr, []byte(want)) {
				t.Errorf("%s: stderr lacks %q", tt.verb, want)
			}
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: output exists after a full disk: %v", tt.verb, err)
		}
		if m := tempFiles(t, small); len(m) > 0 {
			t.Errorf("%s: temp files left: %v", tt.verb, m)
		}
		if f := freeBytes(t, small); f != free {
			t.Errorf("%s: %d bytes free after the run, %d before: space not given back", tt.verb, f, free)
		}
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "plain")), plain) ||
		!bytes.Equal(readFile(t, filepath.Join(dir, "plain.sealed")), sealed) {
		t.Error("an input changed")
	}
	// What fits still works.
	mustRun(t, dir, "seal", "-k", "file:k.key", "-o", filepath.Join(small, "fits.sealed"), "k.key")
}
