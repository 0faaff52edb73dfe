package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the envseal binary inside scripts,
// so the scripts run commands exactly as a shell user types them.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"envseal": func() { os.Exit(run()) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exitcode": cmdExitcode,
			"flipbyte": cmdFlipbyte,
			"truncate": cmdTruncate,
			"notemp":   cmdNotemp,
		},
		Setup: func(env *testscript.Env) error {
			// No key may leak in from the developer's shell.
			env.Setenv("ENVSEAL_KEY", "")
			return copyVectors(env.WorkDir)
		},
	})
}

// exitcode N CMD ARGS... runs CMD and asserts its exit status is N.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// flipbyte FILE OFFSET flips the low bit of one byte; a negative offset
// counts from the end.
func cmdFlipbyte(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: flipbyte file offset")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	off, err := strconv.Atoi(args[1])
	ts.Check(err)
	if off < 0 {
		off += len(data)
	}
	data[off] ^= 1
	ts.Check(os.WriteFile(path, data, 0o644))
}

// truncate FILE N cuts FILE to N bytes; a negative N removes bytes from the end.
func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: truncate file size")
	}
	path := ts.MkAbs(args[0])
	fi, err := os.Stat(path)
	ts.Check(err)
	n, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	if n < 0 {
		n += fi.Size()
	}
	ts.Check(os.Truncate(path, n))
}

// notemp DIR fails if an envseal temp file was left behind in DIR.
func cmdNotemp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: notemp dir")
	}
	m, err := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), ".envseal-*"))
	ts.Check(err)
	if len(m) > 0 {
		ts.Fatalf("temp files left behind: %v", m)
	}
}

// copyVectors puts the committed format vectors in $WORK/vectors so that
// scripts can run the binary on them.
func copyVectors(work string) error {
	src := filepath.Join("..", "..", "testdata", "vectors")
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	dst := filepath.Join(work, "vectors")
	if err := os.Mkdir(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
