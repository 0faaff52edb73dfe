package cli

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseContext: --context values (one per line here) never panic the
// parser; an accepted set maps every key to the value after its first '=',
// and anything refused is a usage error (exit 2), not a crash or exit 1.
func FuzzParseContext(f *testing.F) {
	for _, s := range []string{"env=prod\napp=billing", "a=b=c", "=v", "k", "k=1\nk=2", "k=1\nk=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lines string) {
		pairs := strings.Split(lines, "\n")
		c, err := parseContext(pairs)
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("refused with %T, want a UsageError", err)
			}
			return
		}
		for _, p := range pairs {
			k, v, _ := strings.Cut(p, "=")
			if k == "" || c[k] != v {
				t.Fatalf("pair %q parsed as %q=%q", p, k, c[k])
			}
		}
	})
}
