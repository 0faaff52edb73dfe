package legacy

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/testci"
)

// opensslPath finds the openssl binary. Tests that compare with it skip
// without it, except in CI, where it must be there.
func opensslPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		testci.Require(t, "openssl", "install openssl", err)
	}
	return p
}

// opensslEnc encrypts plain with `openssl enc -e -aes-256-cbc ARGS...`.
func opensslCmd(t *testing.T, args ...string) *exec.Cmd {
	return exec.Command(opensslPath(t), args...)
}

func opensslEnc(t *testing.T, plain []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(opensslPath(t), append([]string{"enc", "-e", "-aes-256-cbc"}, args...)...)
	cmd.Stdin = bytes.NewReader(plain)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("openssl enc %v: %v: %s", args, err, errb.Bytes())
	}
	return out.Bytes()
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
