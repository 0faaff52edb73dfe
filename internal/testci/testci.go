// Package testci answers one question for every test and test helper:
// does this run in CI? It is the only place that reads the CI environment
// variable.
//
// CI is on when CI holds a true value as strconv.ParseBool reads it ("1",
// "t", "T", "TRUE", "true", "True"), which is what CI services set
// (GitHub Actions, GitLab, CircleCI, Travis and Buildkite all set
// CI=true). Unset, empty, "false", "0" or anything else is off. In CI a test
// that needs a tool (local-kms, SoftHSM2, openssl, /dev/full) fails when it
// is missing instead of skipping, so a broken CI image cannot pass by
// skipping the tests that matter.
package testci

import (
	"os"
	"strconv"
	"testing"
)

// Enabled reports whether the CI environment variable is set to a true
// value.
func Enabled() bool { return enabled(os.Getenv("CI")) }

func enabled(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b
}

// Require ends a test that cannot run because something it needs is
// missing: in CI it fails with "WHAT is required in CI: ERR", elsewhere it
// skips with "WHAT not available (HINT): ERR".
func Require(t testing.TB, what, hint string, err error) {
	t.Helper()
	if Enabled() {
		t.Fatalf("%s is required in CI (CI=%s): %v", what, os.Getenv("CI"), err)
	}
	if hint != "" {
		t.Skipf("%s not available (%s): %v", what, hint, err)
	}
	t.Skipf("%s not available: %v", what, err)
}
