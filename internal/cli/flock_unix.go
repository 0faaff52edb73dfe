//go:build unix

package cli

import (
	"errors"
	"os"
	"syscall"
)

// errLocked means another process holds the lock lockFile asked for.
var errLocked = errors.New("locked")

// lockFile takes an exclusive flock on f without waiting. The lock goes
// with the descriptor: closing f, or the process dying (even by SIGKILL),
// releases it, so there is never a stale lock to clean up.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
