package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/envseal/envseal/internal/atomicfile"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// A full filesystem is exit 1 with a hint (atomicfile's TestNoSpace and
// cmd/envseal's TestDiskFull make the error itself).
func TestNoSpaceHint(t *testing.T) {
	err := &atomicfile.Error{Path: "out", Err: syscall.ENOSPC}
	var b bytes.Buffer
	PrintError(&b, err)
	want := "envseal: error: failed to write output file out: no space left on device\n" +
		"envseal: hint: the filesystem is full: free some space, or write to another filesystem with -o\n"
	if b.String() != want || ExitCode(err) != ExitFailure {
		t.Errorf("PrintError = %q, exit %d; want %q, exit 1", b.String(), ExitCode(err), want)
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
	t.Cleanup(func() { outputs.Store(atomicfile.NewGroup()); abandoned.Store(false) })
	err := Execute(context.Background(), root)
	var te *TimeoutError
	if !errors.As(err, &te) || ExitCode(err) != ExitFailure {
		t.Fatalf("err = %v, want a TimeoutError with exit 1", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists: %v", err)
	}
	// Execute stopped the process-wide group; later tests get a new one.
	// (The abandoned command wakes when the pipe closes, finds its group
	// stopped, and commits nothing.)
}

// Create refuses to start a file once the run was stopped, and the
// command reports that as an interruption (exit 130).
func TestOutputAfterStop(t *testing.T) {
	t.Cleanup(func() { outputs.Store(atomicfile.NewGroup()) })
	outputs.Load().Stop()
	_, err := createOutput(filepath.Join(t.TempDir(), "out"), false, 0o600)
	if !errors.Is(err, ErrInterrupted) || ExitCode(err) != ExitInterrupted {
		t.Errorf("err = %v, want ErrInterrupted", err)
	}
}
