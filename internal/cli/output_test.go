package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

func tempLeft(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, tempPattern))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// runCLI runs envseal in-process, as main does, and returns its error and
// what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errb}
	root := NewCmdRoot(ios, "test")
	root.SetArgs(args)
	err := Execute(context.Background(), root)
	if err != nil {
		PrintError(&errb, err)
	}
	return errb.String(), err
}

// TestOutputNoSpace is the disk-full test for machines that cannot mount
// a small filesystem (cmd/envseal's TestDiskFull does, as root): the temp
// file is /dev/full, where every write fails with ENOSPC, as it would on a
// full disk.
func TestOutputNoSpace(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		if os.Getenv("CI") != "" && os.Getenv("CI") != "false" {
			t.Fatalf("/dev/full is needed in CI: %v", err)
		}
		t.Skipf("no /dev/full: %v", err)
	}
	createTemp = func(string) (*os.File, string, error) {
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		return f, "", err
	}
	t.Cleanup(func() { createTemp = openTemp })
	dir := t.TempDir()
	key := filepath.Join(dir, "k.key")
	if _, err := localkey.Generate(key, false); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in")
	if err := os.WriteFile(in, bytes.Repeat([]byte("x"), 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stderr, err := runCLI(t, "seal", "-k", "file:"+key, "-o", out, in)
	var oe *OutputError
	if !errors.As(err, &oe) || !errors.Is(err, syscall.ENOSPC) || ExitCode(err) != ExitFailure {
		t.Fatalf("err = %v, want an OutputError for ENOSPC, exit 1", err)
	}
	// /dev/full fails the first write, the header's.
	for _, want := range []string{"failed to write output file " + out + ": no space left on device\n",
		"envseal: hint: the filesystem is full"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q, want %q", stderr, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists: %v", err)
	}
}

// Temp files are 0600 while they are written, whatever the final mode:
// an open's temp file holds plaintext.
func TestTempFileMode(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o644, 0o600} {
		path := filepath.Join(dir, mode.String())
		f, err := createAtomic(path, false, mode)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("data")); err != nil {
			t.Fatal(err)
		}
		fi, err := f.tmp.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("temp file mode %v, want 0600", fi.Mode().Perm())
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("output mode %v (%v), want %v", fi.Mode().Perm(), err, mode)
		}
	}
	if m := tempLeft(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// The named temp file path (no O_TMPFILE: other systems, some
// filesystems) places and cleans up like the unnamed one.
func TestNamedTempFile(t *testing.T) {
	for _, force := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "out")
		if force {
			os.WriteFile(path, []byte("old"), 0o644)
		}
		tmp, name, err := openNamedTemp(dir)
		if err != nil {
			t.Fatal(err)
		}
		f := &atomicFile{path: path, tmp: tmp, name: name, force: force, mode: 0o644}
		if err := outputs.add(f); err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("new"))
		if err := f.Commit(); err != nil {
			t.Fatalf("force=%v: %v", force, err)
		}
		if got, _ := os.ReadFile(path); string(got) != "new" {
			t.Errorf("force=%v: output %q", force, got)
		}
		if m := tempLeft(t, dir); len(m) > 0 {
			t.Errorf("force=%v: temp files left: %v", force, m)
		}
	}
}

// Abort removes the temp file, Commit after Abort does nothing, and
// nothing commits once the run was stopped (a signal, --timeout).
func TestAbortAndStop(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	f, err := createAtomic(path, false, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	f.Abort()

	stopped := &registry{live: map[*atomicFile]bool{}}
	g := &atomicFile{path: path, mode: 0o600}
	g.tmp, g.name, err = openNamedTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	stopped.add(g)
	stopped.stop()
	if err := stopped.commit(g, g.commit); !errors.Is(err, ErrInterrupted) {
		t.Errorf("commit after stop: %v", err)
	}
	if err := stopped.add(&atomicFile{}); !errors.Is(err, ErrInterrupted) {
		t.Errorf("add after stop: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("output exists: %v", err)
	}
	if m := tempLeft(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// A read blocked forever (a pipe nobody writes) cannot hold a stopped run:
// Execute returns after stopGrace with the temp output gone.
func TestExecuteAbandonsStuckCommand(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k.key")
	if _, err := localkey.Generate(key, false); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	defer pw.Close()
	ios := &IOStreams{In: pr, Out: io.Discard, ErrOut: io.Discard}
	root := NewCmdRoot(ios, "test")
	out := filepath.Join(dir, "out")
	root.SetArgs([]string{"--timeout", "100ms", "seal", "-k", "file:" + key, "-o", out})
	err := Execute(context.Background(), root)
	var te *TimeoutError
	if !errors.As(err, &te) || ExitCode(err) != ExitFailure {
		t.Fatalf("err = %v, want a TimeoutError with exit 1", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists: %v", err)
	}
	// Execute stopped the process-wide registry; later tests need it.
	// (The abandoned command wakes when the pipe closes, finds its run
	// stopped, and commits nothing.)
	outputs.mu.Lock()
	outputs.stopped = false
	outputs.mu.Unlock()
	abandoned.Store(false)
}
