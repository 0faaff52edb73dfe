package supervise

import "syscall"

// childAttr has the kernel SIGKILL the command when envseal dies first.
// An envseal that was itself SIGKILLed can no longer forward signals, wait
// or remove the --file directory: the command must not go on alone with
// the secrets. (Processes it started are not covered, nor is a set-user-ID
// command: the kernel clears this on fork and on such an exec; the
// directory lock of internal/secretdir is what protects their files.)
// Linux delivers the signal when the thread that forked exits, so Run
// keeps to one OS thread until the command has exited.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
