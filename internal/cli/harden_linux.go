package cli

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// harden makes envseal non-dumpable: no core dump (whatever RLIMIT_CORE
// says, and even with GOTRACEBACK=crash) can write its keys, PINs and
// plaintext to disk, and other processes of the same user can no longer
// ptrace it or read its /proc/PID/mem and environ. The kernel resets the
// flag on execve, so a command exec starts is dumpable as usual;
// RLIMIT_CORE is left alone, since the command inherits it.
func harden() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("failed to make the process non-dumpable: %w", err)
	}
	return nil
}
