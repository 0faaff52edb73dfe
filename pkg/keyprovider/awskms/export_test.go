package awskms

import "time"

// SetRequestTimeout changes the per-attempt request timeout for a test and
// returns a function that restores it.
func SetRequestTimeout(d time.Duration) (restore func()) {
	old := requestTimeout
	requestTimeout = d
	return func() { requestTimeout = old }
}

// ParseKeyARN exposes the stanza key-id parser to the fuzz target.
func ParseKeyARN(s string) (region, keyID string, ok bool) {
	a, ok := parseKeyARN(s)
	return a.region, a.keyID(), ok
}
