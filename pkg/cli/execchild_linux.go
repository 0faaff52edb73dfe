package cli

import "syscall"

// childAttr has the kernel SIGKILL the command when envseal dies first.
// An envseal that was itself SIGKILLed can no longer forward signals, wait
// or remove the --file directory: the command must not go on alone with
// the secrets, and the next exec's sweep (execsweep.go) relies on a gone
// envseal meaning a gone command. Linux delivers this signal when the
// thread that forked exits, so runChild keeps to one OS thread until the
// command has exited.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
