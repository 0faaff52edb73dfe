// Package term is what envseal does with a terminal: tell whether a file
// is one, prompt for a secret on the controlling terminal, print
// decrypted text only when it cannot drive the terminal, and draw a
// progress bar for long jobs.
package term

import (
	"os"

	xterm "golang.org/x/term"
)

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	return xterm.IsTerminal(int(f.Fd()))
}

// OpenTTY opens the controlling terminal, which is not stdin or stdout:
// those may carry the data being sealed or opened.
func OpenTTY() (*os.File, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}
