package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/envseal/envseal/internal/atomicfile"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

func TestBatchMode(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	for _, c := range []struct {
		out    string
		inputs []string
		batch  bool
		usage  bool
	}{
		{"", nil, false, false},
		{"", []string{"a"}, false, false},
		{"x.sealed", []string{"a"}, false, false},
		{dir, []string{"a"}, true, false},
		{dir, nil, false, false}, // stdin to a directory: open/seal reports it
		{dir, []string{"a", "b"}, true, false},
		{"", []string{"a", "b"}, false, true},
		{"-", []string{"a", "b"}, false, true},
		{missing, []string{"a", "b"}, false, true},
		{dir, []string{"a", "-"}, false, true},
	} {
		batch, err := batchMode(c.out, c.inputs)
		var ue *UsageError
		if batch != c.batch || errors.As(err, &ue) != c.usage {
			t.Errorf("-o %q %q: batch %v, err %v", c.out, c.inputs, batch, err)
		}
	}
}

func TestBatchJobsClash(t *testing.T) {
	_, err := batchJobs([]string{"a/x.txt", "b/x.txt"}, "out", func(b string) (string, error) { return b + sealedSuffix, nil })
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want a usage error", err)
	}
	jobs, err := batchJobs([]string{"a/x.txt", "y"}, "out", func(b string) (string, error) { return b + sealedSuffix, nil })
	if err != nil || jobs[0].out != filepath.Join("out", "x.txt.sealed") || jobs[1].out != filepath.Join("out", "y.sealed") {
		t.Fatalf("got %v, %v", jobs, err)
	}
}

// slowKey is a recipient whose Wrap takes a while, and which cancels the
// run on its cancelAt-th call and then waits for the cancellation, as a
// KMS request in flight at a SIGINT does.
type slowKey struct {
	calls    atomic.Int64
	cancelAt int64
	cancel   context.CancelFunc
}

func (k *slowKey) Wrap(ctx context.Context, dk []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	if k.calls.Add(1) == k.cancelAt {
		k.cancel()
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(2 * time.Millisecond):
	}
	return &keyprovider.Stanza{Type: "test", KeyID: "slow", Body: slices.Clone(dk)}, nil
}

// A batch cancelled while files are in flight returns "interrupted" once
// they stopped, and leaves no temp file: each output is whole or absent.
func TestBatchCancelLeavesNoTemp(t *testing.T) {
	t.Cleanup(func() { outputs.Store(atomicfile.NewGroup()) })
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for i := range 200 {
		p := filepath.Join(dir, fmt.Sprintf("f%03d.txt", i))
		if err := os.WriteFile(p, bytes.Repeat([]byte{byte(i)}, 100<<10), 0o600); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	key := &slowKey{cancelAt: 40, cancel: cancel}
	var stderr bytes.Buffer
	opts := &SealOptions{IO: &IOStreams{ErrOut: &stderr}, Output: out, Inputs: inputs, Batch: BatchOptions{Jobs: 8}}
	err := sealBatch(ctx, opts, []keyprovider.Wrapper{key}, nil)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want interrupted", err)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(entries); n < 30 || n > 40+8 {
		t.Errorf("%d outputs after a cancel at the 40th file with 8 jobs", n)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), sealedSuffix) || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
			continue
		}
		h, err := os.Open(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = envelope.Parse(h)
		h.Close()
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
	if strings.Contains(stderr.String(), "error") {
		t.Errorf("interrupted files reported as failures:\n%s", stderr.String())
	}
}
