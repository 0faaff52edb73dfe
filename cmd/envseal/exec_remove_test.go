//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExecRemoveFails: when the --file directory cannot be removed (here
// the command left an undeletable file in it), envseal says so, naming the
// directory, and does not exit 0: plaintext may be left on disk.
func TestExecRemoveFails(t *testing.T) {
	dir := sealedCreds(t)
	// As root only an immutable flag stops the removal; otherwise a
	// directory without write permission does.
	lock, unlock := "chmod 500", "chmod 700"
	if os.Getuid() == 0 {
		lock, unlock = "chattr +i", "chattr -i"
	}
	for _, c := range []struct {
		name string
		exit string
		want int
	}{
		{"command succeeded", "exit 0", 1},
		{"command failed", "exit 3", 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			pathFile := filepath.Join(t.TempDir(), "path")
			script := `d=$(dirname "$CREDS"); echo "$d" > ` + pathFile + `; mkdir "$d/sub" && touch "$d/sub/f" && ` +
				lock + ` "$d/sub" || exit 99; ` + c.exit
			cmd := envsealCmd(t, dir, "exec", "-k", "file:k.key", "--file", "CREDS=creds.sealed", "--", "sh", "-c", script)
			cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			r := finish(t, cmd, cmd.Run(), &out, &errb)
			secretDir := strings.TrimSpace(string(readFile(t, pathFile)))
			t.Cleanup(func() { exec.Command("sh", "-c", unlock+` "$0/sub"; rm -rf "$0"`, secretDir).Run() })
			if r.code == 99 {
				t.Skipf("cannot make the directory unremovable with %s: %s", lock, r.stderr)
			}
			if r.code != c.want {
				t.Errorf("exit %d, want %d; stderr %q", r.code, c.want, r.stderr)
			}
			if !bytes.Contains(r.stderr, []byte("failed to remove "+secretDir)) {
				t.Errorf("stderr %q does not name the directory %s", r.stderr, secretDir)
			}
			if bytes.Contains(r.stderr, []byte("secret-credentials-value")) {
				t.Error("the secret was printed")
			}
		})
	}
}
