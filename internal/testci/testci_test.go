package testci

import (
	"errors"
	"testing"
)

func TestEnabled(t *testing.T) {
	for v, want := range map[string]bool{
		"": false, "false": false, "0": false, "no": false, "False": false,
		"true": true, "1": true, "TRUE": true, "True": true, "t": true,
	} {
		if got := enabled(v); got != want {
			t.Errorf("CI=%q: enabled = %v, want %v", v, got, want)
		}
	}
}

func TestRequire(t *testing.T) {
	for _, ci := range []string{"true", "false"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			ft := &fakeT{}
			func() {
				defer func() { recover() }()
				Require(ft, "tool", "install it", errors.New("missing"))
			}()
			if ft.failed != (ci == "true") || ft.skipped != (ci != "true") {
				t.Errorf("failed=%v skipped=%v", ft.failed, ft.skipped)
			}
		})
	}
}

// fakeT records whether Require failed or skipped; both end the test, here
// by panicking (Require's caller recovers).
type fakeT struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Fatalf(string, ...any) { f.failed = true; panic("fatal") }
func (f *fakeT) Skipf(string, ...any)  { f.skipped = true; panic("skip") }
