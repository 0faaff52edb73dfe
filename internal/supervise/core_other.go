//go:build !unix

package supervise

// limitCore: no RLIMIT_CORE here.
func limitCore() (restore func()) { return func() {} }
