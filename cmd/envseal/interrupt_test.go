//go:build linux

package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterrupted stops seal and open in the middle of a run, while they
// are blocked reading a slow pipe: SIGTERM and SIGINT must end the run at
// once (exit 130) and SIGKILL obviously does. Either way the file the run
// would have replaced (--force) is intact, no output appears, no temp file
// is left (Linux: the temp file has no name until it is complete), and the
// next run to the same path succeeds.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	plain := make([]byte, 1<<20)
	rand.Read(plain)
	writeFile(t, filepath.Join(dir, "plain"), plain)
	mustRun(t, dir, "seal", "-k", "file:k.key", "-o", "plain.sealed", "plain")
	sealed := readFile(t, filepath.Join(dir, "plain.sealed"))
	inputs := map[string][]byte{"seal": plain, "open": sealed}

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGKILL} {
		for _, verb := range []string{"seal", "open"} {
			t.Run(verb+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				sub := t.TempDir()
				if err := os.WriteFile(filepath.Join(sub, "k.key"), readFile(t, filepath.Join(dir, "k.key")), 0o600); err != nil {
					t.Fatal(err)
				}
				old := []byte("the file this run would replace\n")
				writeFile(t, filepath.Join(sub, "out"), old)
				args := []string{verb, "-k", "file:k.key", "--force", "-o", "out"}
				interruptMidRun(t, sub, sig, inputs[verb], args)
				if got := readFile(t, filepath.Join(sub, "out")); !bytes.Equal(got, old) {
					t.Error("the file --force would replace was changed")
				}
				if m := tempFiles(t, sub); len(m) > 0 {
					t.Errorf("temp files left: %v", m)
				}
				r := runEnvseal(t, sub, inputs[verb], args...)
				if r.code != 0 {
					t.Fatalf("next run: exit %d: %s", r.code, r.stderr)
				}
				if verb == "open" && !bytes.Equal(readFile(t, filepath.Join(sub, "out")), plain) {
					t.Error("next run wrote other plaintext")
				}
			})
		}
	}
}

// interruptMidRun starts envseal with a pipe as its input, feeds it part of
// input so that it is writing its temp file, then sends sig while it waits
// for more, and checks how it ended.
func interruptMidRun(t *testing.T, dir string, sig syscall.Signal, input []byte, args []string) {
	t.Helper()
	cmd := envsealCmd(t, dir, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A pipe holds 64 KiB: once 256 KiB went in, envseal has read at least
	// 192 KiB, so it is past its header and into its output.
	if _, err := stdin.Write(input[:256<<10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let it block on the next read
	start := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("envseal still running 10s after %v", sig)
	}
	r := finish(t, cmd, werr, &out, &errb)
	took := time.Since(start)
	t.Logf("%v: exit %d after %v: %s", sig, r.code, took.Round(time.Millisecond), bytes.TrimSpace(r.stderr))
	if sig == syscall.SIGKILL {
		return
	}
	if r.code != 130 || !bytes.Contains(r.stderr, []byte("envseal: error: interrupted\n")) {
		t.Errorf("exit %d, stderr %q; want 130 and 'interrupted'", r.code, r.stderr)
	}
	if took > 5*time.Second { // 250ms normally; generous for -race on a busy machine
		t.Errorf("took %v to stop", took)
	}
}

// TestInterruptedNoFile: without --force and no file at the path, an
// interrupted run leaves nothing at all.
func TestInterruptedNoFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	input := make([]byte, 1<<20)
	interruptMidRun(t, dir, syscall.SIGTERM, input, []string{"seal", "-k", "file:k.key", "-o", "out"})
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("output exists after an interrupted run: %v", err)
	}
	if m := tempFiles(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// TestInterruptedInPlace stops rewrap --in-place and migrate --in-place
// while they write a large file into their temp file: the original must
// be intact, byte for byte, and no temp file left.
func TestInterruptedInPlace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "a.key")
	mustRun(t, dir, "keygen", "-o", "b.key")
	writeFile(t, filepath.Join(dir, "small"), []byte("x"))
	mustRun(t, dir, "seal", "-k", "file:a.key", "-o", "small.sealed", "small")
	// rewrap copies the payload without decrypting it, and migrate decrypts
	// as it goes (the padding is checked at the end), so a sparse tail
	// makes inputs that are slow to rewrite and quick to make.
	heads := map[string][]byte{
		"rewrap":  readFile(t, filepath.Join(dir, "small.sealed")),
		"migrate": []byte("Salted__\x01\x02\x03\x04\x05\x06\x07\x08"),
	}
	args := map[string][]string{
		"rewrap":  {"rewrap", "-k", "file:a.key", "--add", "file:b.key", "--in-place", "big"},
		"migrate": {"migrate", "--pass", "pass:file:///./datakey", "--iter", "1000", "-k", "file:a.key", "--in-place", "big"},
	}
	for _, verb := range []string{"rewrap", "migrate"} {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			path := filepath.Join(dir, "big")
			writeFile(t, path, heads[verb])
			if err := os.Truncate(path, 256<<20); err != nil {
				t.Fatal(err)
			}
			cmd := envsealCmd(t, dir, args[verb]...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if !waitForTempFile(cmd.Process.Pid, dir, 10*time.Second) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("%s never opened a temp file", verb)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			t.Logf("%s, %v: %v", verb, sig, err)
			fi, serr := os.Stat(path)
			got := readFile(t, path)
			if serr != nil || fi.Size() != 256<<20 || !bytes.Equal(got[:len(heads[verb])], heads[verb]) {
				t.Errorf("%s, %v: the original changed", verb, sig)
			}
			if m := tempFiles(t, dir); len(m) > 0 {
				t.Errorf("%s, %v: temp files left: %v", verb, sig, m)
			}
		}
	}
}

// waitForTempFile waits until process pid holds an envseal temp file in
// dir open: an unnamed one (O_TMPFILE, "DIR/#123 (deleted)") or a named one.
func waitForTempFile(pid int, dir string, limit time.Duration) bool {
	fds := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(time.Millisecond) {
		entries, _ := os.ReadDir(fds)
		for _, e := range entries {
			target, _ := os.Readlink(filepath.Join(fds, e.Name()))
			if strings.HasPrefix(target, dir+"/#") || strings.HasPrefix(target, dir+"/.envseal-") {
				return true
			}
		}
	}
	return false
}
