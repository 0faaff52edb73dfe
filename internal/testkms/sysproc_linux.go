package testkms

import "syscall"

// sysProcAttr makes the kernel kill local-kms if the test binary dies
// without calling Stop, so a crashed test run leaves no server behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
