//go:build !unix

package cli

import (
	"fmt"
	"os"
)

func openFD(fd int) (*os.File, error) {
	return nil, fmt.Errorf("--pass fd:%d: file descriptors are not supported on this system", fd)
}
