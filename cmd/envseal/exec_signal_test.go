//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sealedCreds returns a directory with a key file k.key and creds.sealed,
// a small secret file sealed to it, for exec's --file tests.
func sealedCreds(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	writeFile(t, filepath.Join(dir, "creds"), []byte("secret-credentials-value\n"))
	mustRun(t, dir, "seal", "-k", "file:k.key", "-o", "creds.sealed", "creds")
	return dir
}

// TestExecSignals sends SIGTERM or SIGINT to envseal exec while its child
// runs with a --file secret: the signal reaches the child, envseal exits
// with the child's status once the child is gone, and the secret file and
// its directory are removed.
func TestExecSignals(t *testing.T) {
	dir := sealedCreds(t)
	cases := []struct {
		name string
		sig  syscall.Signal
		trap string // set up before the child says it is ready
		run  string // after it
		want int
	}{
		// the child traps the signal and exits 5: envseal exits 5
		{"SIGTERM trapped", syscall.SIGTERM, `trap 'exit 5' TERM`, `while :; do sleep 0.05; done`, 5},
		{"SIGINT trapped", syscall.SIGINT, `trap 'exit 6' INT`, `while :; do sleep 0.05; done`, 6},
		// the child dies of the signal: 128+15
		{"SIGTERM default", syscall.SIGTERM, `:`, `exec sleep 30`, 143},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ready := filepath.Join(t.TempDir(), "path")
			// The trap must be in place before the ready file appears, or
			// the signal can land first and kill the shell (143, not 5).
			script := c.trap + `; echo "$CREDS" > ` + ready + `.tmp && mv ` + ready + `.tmp ` + ready + `; ` + c.run
			cmd := envsealCmd(t, dir, "exec", "-k", "file:k.key", "--file", "CREDS=creds.sealed", "--", "sh", "-c", script)
			cmd.Env = append(cmd.Env, "TMPDIR="+t.TempDir())
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			secret := waitForFile(t, ready)
			if _, err := os.Stat(secret); err != nil {
				t.Fatalf("the secret file is not there while the child runs: %v", err)
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			r := waitExit(t, cmd, &out, &errb)
			if r.code != c.want {
				t.Errorf("exit %d, want %d; stderr %q", r.code, c.want, r.stderr)
			}
			if _, err := os.Stat(filepath.Dir(secret)); !os.IsNotExist(err) {
				t.Errorf("the secret directory is still there: %v", err)
			}
			if bytes.Contains(r.stderr, []byte("secret-credentials-value")) || bytes.Contains(r.stdout, []byte("secret-credentials-value")) {
				t.Error("the secret was printed")
			}
		})
	}
}

// waitForFile waits until path exists and returns its content, trimmed.
func waitForFile(t *testing.T, path string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	t.Fatal("the child did not start")
	return ""
}

func waitExit(t *testing.T, cmd *exec.Cmd, out, errb *bytes.Buffer) result {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return finish(t, cmd, err, out, errb)
	case <-time.After(10 * time.Second):
		t.Fatal("envseal exec still running 10s after the signal")
	}
	return result{}
}

// TestExecSweepsKilledRuns: SIGKILL gives envseal exec no chance to clean
// up. The kernel kills the command with it; a process the command started
// lives on, and the --file directory stays while it does (it inherited the
// directory's lock). Once it is gone too, the next exec removes the
// directory, and nothing else: not a live run's, not another host's or pid
// namespace's, not one of another mode.
func TestExecSweepsKilledRuns(t *testing.T) {
	dir := sealedCreds(t)
	tmp := t.TempDir()
	exec := func() {
		t.Helper()
		cmd := envsealCmd(t, dir, "exec", "-k", "file:k.key", "--file", "CREDS=creds.sealed", "--", "true")
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("exec: %v: %s", err, out)
		}
	}

	// sh (the command) runs a second sh in the foreground, as deploy
	// scripts run their tools; each says its pid once it is running.
	ready := filepath.Join(t.TempDir(), "ready")
	inner := `echo $$ > ` + ready + `.itmp && mv ` + ready + `.itmp ` + ready + `.inner; exec sleep 30`
	script := `echo "$CREDS $$" > ` + ready + `.tmp && mv ` + ready + `.tmp ` + ready + `; sh -c '` + inner + `'`
	cmd := envsealCmd(t, dir, "exec", "-k", "file:k.key", "--file", "CREDS=creds.sealed", "--", "sh", "-c", script)
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	secret, child, _ := strings.Cut(waitForFile(t, ready), " ")
	childPID, err1 := strconv.Atoi(child)
	innerPID, err2 := strconv.Atoi(waitForFile(t, ready+".inner"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	t.Cleanup(func() { syscall.Kill(innerPID, syscall.SIGKILL) })
	cmd.Process.Kill()
	cmd.Wait()
	if !waitGone(childPID, 5*time.Second) {
		syscall.Kill(childPID, syscall.SIGKILL)
		t.Error("the command outlived the SIGKILLed envseal")
	}
	left := filepath.Dir(secret)
	origin := bootID(t) + "-" + pidNamespace(t)
	want := "envseal-exec-" + origin + "-" + strconv.Itoa(cmd.Process.Pid) + "-"
	if !strings.HasPrefix(filepath.Base(left), want) {
		t.Fatalf("directory %s, want a name starting %s", filepath.Base(left), want)
	}

	exec()
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("the sweep removed the secret of a process still running: %v", err)
	}
	syscall.Kill(innerPID, syscall.SIGKILL)
	if !waitGone(innerPID, 5*time.Second) {
		t.Fatal("sleep survived SIGKILL")
	}

	keep := map[string]os.FileMode{
		"envseal-exec-" + origin + "-" + strconv.Itoa(os.Getpid()) + "-1":                       0o700, // alive: this test
		"envseal-exec-" + bootID(t) + "-1" + pidNamespace(t) + "-" + child + "-2":               0o700, // another namespace
		"envseal-exec-00000000000000000000000000000000-" + pidNamespace(t) + "-" + child + "-3": 0o700, // another host
		"envseal-exec-" + origin + "-" + child + "-4":                                           0o755, // not exec's mode
		"envseal-exec-" + child: 0o700, // not the pattern
	}
	for name, mode := range keep {
		if err := os.Mkdir(filepath.Join(tmp, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	exec()
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("the killed run's directory is still there: %v", err)
	}
	for name := range keep {
		if _, err := os.Stat(filepath.Join(tmp, name)); err != nil {
			t.Errorf("%s was removed", name)
		}
	}
}

// waitGone waits until pid has exited: no such process, or a zombie
// nobody reaped yet.
func waitGone(pid int, limit time.Duration) bool {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		_, rest, _ := bytes.Cut(stat, []byte(") "))
		if len(rest) > 0 && (rest[0] == 'Z' || rest[0] == 'X') {
			return true
		}
	}
	return false
}

func bootID(t *testing.T) string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		t.Fatalf("the sweep needs the boot id: %v", err)
	}
	return strings.ReplaceAll(strings.TrimSpace(string(b)), "-", "")
}

func pidNamespace(t *testing.T) string {
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Fatalf("the sweep needs /proc/self/ns/pid: %v", err)
	}
	return strings.TrimSuffix(strings.TrimPrefix(ns, "pid:["), "]")
}

// TestExecSignalWhileFileStreams stops envseal exec while a --file input
// is still coming in from a pipe that stalls: the command never started,
// and the secret directory, with the plaintext written so far, must be
// gone by the time envseal has exited.
func TestExecSignalWhileFileStreams(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	writeFile(t, filepath.Join(dir, "big"), bytes.Repeat([]byte("secret-credentials-value\n"), 1<<16))
	mustRun(t, dir, "seal", "-k", "file:k.key", "-o", "big.sealed", "big")
	sealed := readFile(t, filepath.Join(dir, "big.sealed"))
	fifo := filepath.Join(dir, "creds.sealed")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := envsealCmd(t, dir, "exec", "-k", "file:k.key", "--file", "CREDS=creds.sealed", "--", "sh", "-c", "echo RAN")
			cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close() // held open: envseal's read stalls
			if _, err := w.Write(sealed[:len(sealed)/4]); err != nil {
				t.Fatal(err)
			}
			secretDir := waitForPlaintext(t, tmp)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			r := waitExit(t, cmd, &out, &errb)
			if r.code != 130 {
				t.Errorf("exit %d, want 130; stderr %q", r.code, r.stderr)
			}
			if bytes.Contains(r.stdout, []byte("RAN")) {
				t.Error("the command ran")
			}
			if _, err := os.Stat(secretDir); !os.IsNotExist(err) {
				t.Errorf("the secret directory is still there after envseal exited: %v", err)
			}
		})
	}
}

// waitForPlaintext waits until an exec directory in tmp holds some
// plaintext that has stopped growing (envseal is blocked on the pipe, not
// between two reads), and returns the directory.
func waitForPlaintext(t *testing.T, tmp string) string {
	t.Helper()
	var last int64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(tmp, "envseal-exec-*", "*"))
		if len(files) != 1 {
			continue
		}
		fi, err := os.Stat(files[0])
		if err == nil && fi.Size() > 0 && fi.Size() == last {
			return filepath.Dir(files[0])
		}
		if err == nil {
			last = fi.Size()
		}
	}
	t.Fatal("no plaintext appeared")
	return ""
}
