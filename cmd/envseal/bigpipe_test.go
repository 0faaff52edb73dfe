package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// bigpipe SIZE MAXRSS CMD ARGS... runs CMD with SIZE zero bytes on its
// standard input, through a pipe as `head -c SIZE /dev/zero | CMD ARGS...`
// would, and fails unless CMD exits 0 with a peak resident set size of at
// most MAXRSS (sampled while it reads; Linux only). Sizes take a K, M or G suffix (powers of 1024). CMD's output
// becomes the script's stdout and stderr. With !, CMD must exit non-zero
// instead, still within MAXRSS.
//
// It exists to show that streaming commands keep memory flat for inputs
// far larger than what they may hold, without depending on GNU time.
func cmdBigpipe(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: bigpipe size maxrss command [args...]")
	}
	size, limit := parseSize(ts, args[0]), parseSize(ts, args[1])
	path, err := exec.LookPath(args[2])
	ts.Check(err)
	cmd := exec.Command(path, args[3:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = append(os.Environ(), "ENVSEAL_KEY=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	stdin, err := cmd.StdinPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	stopWatch := watchRSS(cmd.Process.Pid)
	_, werr := io.CopyBuffer(stdin, io.LimitReader(zeros{}, size), make([]byte, 1<<20))
	stdin.Close()
	rss := stopWatch()
	err = cmd.Wait()
	ts.Stdout().Write(stdout.Bytes())
	ts.Stderr().Write(stderr.Bytes())
	var ee *exec.ExitError
	switch {
	case neg && !errors.As(err, &ee):
		ts.Fatalf("%s: %v, want a non-zero exit status", args[2], err)
	case !neg && (err != nil || werr != nil):
		ts.Fatalf("%s: %v (writing its input: %v)", args[2], err, werr)
	}
	if rss < 0 {
		ts.Logf("%s read %d bytes; its memory use is not known on %s", args[2], size, runtime.GOOS)
		return
	}
	ts.Logf("%s read %d bytes with a peak RSS of %d MiB", args[2], size, rss>>20)
	if rss > limit {
		ts.Fatalf("peak RSS %d MiB, want at most %d MiB", rss>>20, limit>>20)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func parseSize(ts *testscript.TestScript, s string) int64 {
	shift := map[string]int{"K": 10, "M": 20, "G": 30}[s[len(s)-1:]]
	n, err := strconv.ParseInt(strings.TrimRight(s, "KMG"), 10, 64)
	ts.Check(err)
	return n << shift
}
