//go:build linux

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sealedEnv returns a directory with a key file k.key and app.env.sealed
// sealed to it, and the sealed bytes, for edit's signal tests.
func sealedEnv(t *testing.T) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	writeFile(t, filepath.Join(dir, "app.env"), []byte("DB_PASSWORD=secret-credentials-value\n"))
	mustRun(t, dir, "seal", "-k", "file:k.key", "-o", "app.env.sealed", "app.env")
	return dir, readFile(t, filepath.Join(dir, "app.env.sealed"))
}

// editorScript writes an editor that changes the file, says where the
// file is and its own pid in ready (atomically, once it is running), and
// then waits to be stopped.
func editorScript(t *testing.T, ready string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "editor.sh")
	script := "#!/bin/sh\necho CHANGED=1 >> \"$1\"\necho \"$1 $$\" > " + ready + ".tmp && mv " + ready + ".tmp " + ready + "\nexec sleep 30\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEditSignals stops envseal edit with SIGTERM, SIGINT or SIGHUP while
// the editor is open: the signal reaches the editor, which dies of it, so
// nothing is saved (exit 130), the sealed file is byte for byte what it
// was, and the plaintext and its directory are gone once envseal exited.
func TestEditSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir, sealed := sealedEnv(t)
			ready := filepath.Join(t.TempDir(), "ready")
			cmd := envsealCmd(t, dir, "edit", "-k", "file:k.key", "app.env.sealed")
			cmd.Env = append(cmd.Env, "XDG_RUNTIME_DIR="+runtimeDir(t), "VISUAL=", "EDITOR="+editorScript(t, ready))
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			plain, _, _ := strings.Cut(waitForFile(t, ready), " ")
			if _, err := os.Stat(plain); err != nil {
				t.Fatalf("the plaintext is not there while the editor runs: %v", err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			r := waitExit(t, cmd, &out, &errb)
			if r.code != 130 {
				t.Errorf("exit %d, want 130; stderr %q", r.code, r.stderr)
			}
			if _, err := os.Stat(filepath.Dir(plain)); !os.IsNotExist(err) {
				t.Errorf("the plaintext directory is still there: %v", err)
			}
			if !bytes.Equal(readFile(t, filepath.Join(dir, "app.env.sealed")), sealed) {
				t.Error("the sealed file changed")
			}
			if bytes.Contains(r.stderr, []byte("secret-credentials-value")) || bytes.Contains(r.stdout, []byte("secret-credentials-value")) {
				t.Error("the secret was printed")
			}
		})
	}
}

// TestEditSweepsKilledRuns: SIGKILL gives envseal edit no chance to clean
// up. The kernel kills the editor with it; the plaintext directory stays
// until the next edit, which removes it. The sealed file is untouched.
func TestEditSweepsKilledRuns(t *testing.T) {
	dir, sealed := sealedEnv(t)
	run := runtimeDir(t)
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := envsealCmd(t, dir, "edit", "-k", "file:k.key", "app.env.sealed")
	cmd.Env = append(cmd.Env, "XDG_RUNTIME_DIR="+run, "VISUAL=", "EDITOR="+editorScript(t, ready))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	plain, pid, _ := strings.Cut(waitForFile(t, ready), " ")
	editorPID, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !waitGone(editorPID, 5*time.Second) {
		syscall.Kill(editorPID, syscall.SIGKILL)
		t.Error("the editor outlived the SIGKILLed envseal")
	}
	if _, err := os.Stat(plain); err != nil {
		t.Fatalf("expected the killed run's plaintext to be left for the sweep: %v", err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "app.env.sealed")), sealed) {
		t.Error("the sealed file changed")
	}
	// The next run, an edit that changes nothing, sweeps it.
	next := envsealCmd(t, dir, "edit", "-k", "file:k.key", "app.env.sealed")
	next.Env = append(next.Env, "XDG_RUNTIME_DIR="+run, "VISUAL=", "EDITOR=true")
	if out, err := next.CombinedOutput(); err != nil {
		t.Fatalf("edit: %v: %s", err, out)
	}
	if _, err := os.Stat(filepath.Dir(plain)); !os.IsNotExist(err) {
		t.Errorf("the killed run's plaintext directory is still there: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(run, "envseal-edit-*")); len(left) != 0 {
		t.Errorf("directories left in the runtime dir: %v", left)
	}
}

// TestEditSignalEditorDecides: a signal is the editor's to act on, as
// with git. An editor that traps SIGINT (vim ignores Ctrl-C) and then
// exits 0 has its edit saved, and the plaintext is still removed.
func TestEditSignalEditorDecides(t *testing.T) {
	dir, sealed := sealedEnv(t)
	ready := filepath.Join(t.TempDir(), "ready")
	editor := filepath.Join(t.TempDir(), "editor.sh")
	// The trap is in place before ready appears; on SIGINT the editor
	// writes its change and exits 0. The loop waits for the signal.
	script := "#!/bin/sh\ntrap 'echo SAVED=1 >> \"$1\"; exit 0' INT\necho \"$1\" > " + ready + ".tmp && mv " + ready + ".tmp " + ready +
		"\nwhile :; do sleep 0.05; done\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := envsealCmd(t, dir, "edit", "-k", "file:k.key", "app.env.sealed")
	cmd.Env = append(cmd.Env, "XDG_RUNTIME_DIR="+runtimeDir(t), "VISUAL=", "EDITOR="+editor)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	plain := waitForFile(t, ready)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r := waitExit(t, cmd, &out, &errb)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Dir(plain)); !os.IsNotExist(err) {
		t.Errorf("the plaintext directory is still there: %v", err)
	}
	if bytes.Equal(readFile(t, filepath.Join(dir, "app.env.sealed")), sealed) {
		t.Fatal("the edit was not saved")
	}
	got := mustRun(t, dir, "open", "-k", "file:k.key", "app.env.sealed")
	if !bytes.Contains(got.stdout, []byte("SAVED=1")) {
		t.Errorf("opened %q, want the saved line", got.stdout)
	}
}

// runtimeDir is a private directory for $XDG_RUNTIME_DIR: 0700, as the XDG
// spec requires and edit checks (t.TempDir's are 0755 under umask 022).
func runtimeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
