//go:build linux

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLegacyFlatMemory: open --legacy-openssl and migrate stream, so a
// legacy file much larger than their memory goes through with a flat peak
// RSS (the file is 256 MiB; the limit 96 MiB, as for bigpipe: a -race
// build uses about twice the 20 MiB of a normal one).
func TestLegacyFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 512 MiB")
	}
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	enc := exec.Command(openssl, "enc", "-e", "-aes-256-cbc", "-iter", "1", "-pass", "pass:pw", "-out", filepath.Join(dir, "big.enc"))
	stdin, err := enc.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(stdin, zeros{}, 256<<20); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	if err := enc.Wait(); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"migrate": {"migrate", "--pass", "pass:pw", "--iter", "1", "-k", "file:k.key", "-o", "big.sealed", "big.enc"},
		"open":    {"open", "--legacy-openssl", "--pass", "pass:pw", "--iter", "1", "-o", "big.out", "big.enc"},
	} {
		cmd := envsealCmd(t, dir, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stop := watchRSS(cmd.Process.Pid)
		err := cmd.Wait()
		rss := stop()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: 256 MiB with a peak RSS of %d MiB", name, rss>>20)
		if rss > 96<<20 {
			t.Errorf("%s: peak RSS %d MiB, want at most 96 MiB", name, rss>>20)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "big.out")); err != nil || fi.Size() != 256<<20 {
		t.Fatalf("big.out: %v", err)
	}
}
