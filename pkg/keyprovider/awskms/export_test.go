package awskms

import "time"

// SetRequestTimeout changes the per-attempt request timeout for a test and
// returns a function that restores it.
func SetRequestTimeout(d time.Duration) (restore func()) {
	old := requestTimeout
	requestTimeout = d
	return func() { requestTimeout = old }
}
