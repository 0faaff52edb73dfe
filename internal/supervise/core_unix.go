//go:build unix

package supervise

import "syscall"

// limitCore sets this process's soft RLIMIT_CORE to 0 until the returned
// function restores it: a child started meanwhile inherits 0 across fork
// and exec, with no moment in which it could dump core, which a limit set
// on the child after it started (prlimit) would leave. Only the soft limit
// changes, so that envseal can restore it (lowering the hard limit could
// not be undone); the child could raise it again, which editors do not.
func limitCore() (restore func()) {
	var old syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_CORE, &old) != nil || old.Cur == 0 {
		return func() {}
	}
	zero := syscall.Rlimit{Cur: 0, Max: old.Max}
	if syscall.Setrlimit(syscall.RLIMIT_CORE, &zero) != nil {
		return func() {}
	}
	return func() { syscall.Setrlimit(syscall.RLIMIT_CORE, &old) }
}
