//go:build unix

package atomicfile

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO is never an output: the writer would block on, or replace, it.
func TestFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	if _, err := NewGroup().Create(fifo, Options{Force: true}); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Create(fifo) = %v, want ErrNotRegular", err)
	}
}
