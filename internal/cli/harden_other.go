//go:build !linux

package cli

// harden: only Linux has prctl(PR_SET_DUMPABLE). Elsewhere a core dump
// follows the system's settings and RLIMIT_CORE.
func harden() error { return nil }
