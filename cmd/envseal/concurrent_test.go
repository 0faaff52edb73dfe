package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestConcurrentWriters runs many envseal processes writing the same -o
// path at once, each sealing different data. Without --force exactly one
// wins and the others fail with "already exists"; with --force all succeed
// and the last rename wins. Either way the file is one run's output, whole:
// never an interleaving, never a truncation.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	const runs = 16
	dir := t.TempDir()
	mustRun(t, dir, "keygen", "-o", "k.key")
	plains := make([][]byte, runs)
	for i := range plains {
		plains[i] = make([]byte, 256<<10+i)
		rand.Read(plains[i])
		writeFile(t, filepath.Join(dir, fmt.Sprint("in", i)), plains[i])
	}
	for _, force := range []bool{false, true} {
		t.Run(fmt.Sprintf("force=%v", force), func(t *testing.T) {
			out := fmt.Sprintf("out-%v.sealed", force)
			results := racingRuns(t, dir, plains, func(i int) []string {
				args := []string{"seal", "-k", "file:k.key", "-o", out}
				if force {
					args = append(args, "--force")
				}
				return args
			})
			won := 0
			for i, r := range results {
				switch {
				case r.code == 0:
					won++
				case force || r.code != 1 || !bytes.Contains(r.stderr, []byte("output file already exists")):
					t.Errorf("run %d: exit %d: %s", i, r.code, r.stderr)
				}
			}
			if !force && won != 1 {
				t.Errorf("%d runs succeeded without --force, want exactly 1", won)
			}
			if force && won != runs {
				t.Errorf("%d of %d runs succeeded with --force", won, runs)
			}
			got := mustRun(t, dir, "open", "-k", "file:k.key", out).stdout
			found := false
			for i, p := range plains {
				if bytes.Equal(got, p) {
					found = true
					t.Logf("run %d's output is in place", i)
				}
			}
			if !found {
				t.Errorf("the output (%d bytes) is no run's whole plaintext", len(got))
			}
			if m := tempFiles(t, dir); len(m) > 0 {
				t.Errorf("temp files left: %v", m)
			}
		})
	}
}

// racingRuns starts one envseal per input with args(i), each reading its
// input from a pipe, and holds every pipe open until all of them have taken
// their whole input (so all are past their checks, with a temp file
// written); then it closes them at once, so that the runs commit together.
func racingRuns(t *testing.T, dir string, inputs [][]byte, args func(int) []string) []result {
	t.Helper()
	results := make([]result, len(inputs))
	var fed, done sync.WaitGroup
	gate := make(chan struct{})
	for i, in := range inputs {
		cmd := envsealCmd(t, dir, args(i)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		fed.Add(1)
		done.Go(func() {
			stdin.Write(in)
			fed.Done()
			<-gate
			stdin.Close()
			results[i] = finish(t, cmd, cmd.Wait(), &out, &errb)
		})
	}
	fed.Wait()
	close(gate)
	done.Wait()
	return results
}
