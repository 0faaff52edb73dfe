package cli

import (
	"errors"
	"path/filepath"
	"testing"
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
