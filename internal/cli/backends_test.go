package cli_test

import (
	"strings"
	"testing"
)

// The hint for a bad key URI is built from the backends' examples; with
// the three real backends it is the sentence it always was.
func TestBadURIHintListsTheBackends(t *testing.T) {
	t.Setenv("ENVSEAL_KEY", "")
	_, errOut, code := runCLI(t, t.TempDir(), "", "open", "--key", "nokey", "x.sealed")
	want := "hint: key URIs look like age:key.txt, file:key.pem, pub:team.pub, awskms:///alias/NAME or pkcs11:token=T;object=NAME\n"
	if code != 2 || !strings.HasSuffix(errOut, want) {
		t.Fatalf("exit %d, stderr %q; want it to end with %q", code, errOut, want)
	}
}
