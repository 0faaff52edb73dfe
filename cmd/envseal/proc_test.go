package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// result is what one run of the envseal binary did.
type result struct {
	stdout, stderr []byte
	code           int // -1 when killed by a signal
}

// envsealCmd prepares a run of the envseal binary (this test binary, as
// testscript installs it in PATH) in dir, with no key from the outside.
func envsealCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("envseal")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ENVSEAL_KEY=")
	return cmd
}

// runEnvseal runs envseal to completion with stdin as its input.
func runEnvseal(t *testing.T, dir string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := envsealCmd(t, dir, args...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &out, &errb
	return finish(t, cmd, cmd.Run(), &out, &errb)
}

func finish(t *testing.T, cmd *exec.Cmd, err error, out, errb *bytes.Buffer) result {
	t.Helper()
	r := result{stdout: out.Bytes(), stderr: errb.Bytes()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	return r
}

// mustRun runs envseal and fails the test unless it exits 0.
func mustRun(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := runEnvseal(t, dir, nil, args...)
	if r.code != 0 {
		t.Fatalf("envseal %v: exit %d: %s", args, r.code, r.stderr)
	}
	return r
}

// tempFiles lists envseal temp files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".envseal-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
