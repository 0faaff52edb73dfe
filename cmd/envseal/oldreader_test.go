package main

import (
	"bytes"
	"github.com/envseal/envseal/internal/testci"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// preSignedCommit is the last commit before signed files (format version
// 2): its envseal is a reader that predates them.
const preSignedCommit = "619e8f0"

// TestOldReaderRefusesSigned builds envseal as it was before signed files
// (from git) and checks that it refuses a signed vector as unsupported,
// exit 1, without releasing anything: a signed file is never opened as if
// unsigned by an old reader.
func TestOldReaderRefusesSigned(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds an old envseal from git")
	}
	t.Parallel() // mostly a build: it overlaps the scripts' waiting
	git, err := exec.LookPath("git")
	if err != nil {
		testci.Require(t, "git", "apt-get install git", err)
	}
	src := t.TempDir()
	archive := exec.Command(git, "archive", preSignedCommit)
	archive.Dir = "../.."
	tar := exec.Command("tar", "-x", "-C", src)
	tar.Stdin, _ = archive.StdoutPipe()
	if err := tar.Start(); err != nil {
		testci.Require(t, "tar", "", err)
	}
	if err := archive.Run(); err != nil {
		testci.Require(t, "commit "+preSignedCommit, "a shallow clone? fetch the history", err)
	}
	if err := tar.Wait(); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "envseal-old")
	build := exec.Command("go", "build", "-o", bin, "./cmd/envseal")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", preSignedCommit, err, out)
	}
	vectors, _ := filepath.Abs("../../testdata/vectors")
	for _, v := range []string{"signed-ed25519.sealed", "signed-p256-cert.sealed"} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "open", "-k", "file:"+filepath.Join(vectors, "key-a.key"), filepath.Join(vectors, v))
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Env = append(os.Environ(), "ENVSEAL_KEY=")
		err := cmd.Run()
		xe, ok := err.(*exec.ExitError)
		if !ok || xe.ExitCode() != 1 {
			t.Errorf("%s: old reader: %v, want exit status 1", v, err)
		}
		if stdout.Len() != 0 || !strings.Contains(stderr.String(), "unsupported format version 2") {
			t.Errorf("%s: old reader printed %d bytes, stderr %q", v, stdout.Len(), stderr.String())
		}
	}
}
