//go:build unix

package cli

import (
	"fmt"
	"os"
	"syscall"
)

// openFD returns a private duplicate of descriptor fd. Wrapping fd itself
// in an *os.File would let the file's finalizer close it later, behind the
// back of whoever owns fd, by then possibly a different file with the same
// number.
func openFD(fd int) (*os.File, error) {
	dup, err := syscall.Dup(fd)
	if err != nil {
		return nil, fmt.Errorf("--pass fd:%d: not an open file descriptor", fd)
	}
	syscall.CloseOnExec(dup)
	return os.NewFile(uintptr(dup), fmt.Sprintf("fd:%d", fd)), nil
}
