// Package supervise runs one child process on behalf of envseal exec: it
// forwards the signals that would stop envseal to the child, stops the
// child when a deadline passes, ties the child's life to envseal's where
// the system allows, and reports the child's exit status as a shell does.
package supervise

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// Exit statuses for a command that never ran, as shells and env(1) use
// them.
const (
	ExitCannotRun = 126
	ExitNotFound  = 127
)

// forwarded are the signals passed on to the child. Catching them also
// keeps envseal alive until the child exits.
var forwarded = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// killAfter is how long a child gets to exit after a deadline sent it
// SIGTERM, before SIGKILL.
const killAfter = 10 * time.Second

// started is set once Run has started (or is about to start) a child.
var started atomic.Bool

// ErrNotStarted is returned when ctx was done before the child started.
var ErrNotStarted = errors.New("stopped before the command started")

// Started reports whether this process has begun supervising a child.
// From then on a signal is the child's to act on: the caller must wait
// for Run to return instead of abandoning it, so that the child is never
// orphaned and its secrets are removed.
func Started() bool { return started.Load() }

// StartError is a command that could not be run: Code is ExitNotFound or
// ExitCannotRun.
type StartError struct {
	Code int
	Err  error
}

func (e *StartError) Error() string { return e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// Cmd is the child to run.
type Cmd struct {
	Argv   []string
	Env    []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// ExtraFiles are inherited as descriptors 3 and up.
	ExtraFiles []*os.File
	// NoCoreDump starts the child with a soft RLIMIT_CORE of 0 (Unix), for
	// a child that holds plaintext, such as edit's editor: a crash must
	// not write it to a core file. exec's command keeps the user's limit.
	NoCoreDump bool
}

// Run runs c and returns its exit status (128+N when signal N killed it).
// Until the child exits, SIGINT, SIGTERM and SIGHUP are forwarded to it.
// When ctx's deadline passes (its cause matches context.DeadlineExceeded)
// the child gets SIGTERM, then SIGKILL after 10s; a ctx cancelled any
// other way is left to the child, which got the signal that cancelled it.
func Run(ctx context.Context, c *Cmd) (int, error) {
	path, err := exec.LookPath(c.Argv[0])
	if err != nil {
		// As shells do: 127 when there is nothing by that name, 126 when
		// there is but it cannot run (not executable, a directory).
		code := ExitCannotRun
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			code = ExitNotFound
		}
		return 0, &StartError{Code: code, Err: fmt.Errorf("failed to run %s: %w", c.Argv[0], err)}
	}
	cmd := &exec.Cmd{Path: path, Args: c.Argv, Env: c.Env, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr,
		ExtraFiles: c.ExtraFiles, SysProcAttr: childAttr()}
	// The command's parent-death signal is tied to the forking thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	started.Store(true)
	if ctx.Err() != nil {
		return 0, ErrNotStarted
	}
	restore := func() {}
	if c.NoCoreDump {
		restore = limitCore()
	}
	err = cmd.Start()
	restore()
	if err != nil {
		return 0, &StartError{Code: ExitCannotRun, Err: fmt.Errorf("failed to run %s: %w", c.Argv[0], err)}
	}
	done := make(chan struct{})
	go supervise(ctx, cmd.Process, sigs, done)
	werr := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return 0, fmt.Errorf("failed to wait for %s: %w", c.Argv[0], werr)
	}
	return exitStatus(cmd.ProcessState), nil
}

// supervise forwards signals to the child until done, and when ctx's
// deadline passes asks it to stop, then kills it if it does not.
func supervise(ctx context.Context, p *os.Process, sigs <-chan os.Signal, done <-chan struct{}) {
	timeout := ctx.Done()
	for {
		select {
		case s := <-sigs:
			p.Signal(s)
		case <-timeout:
			timeout = nil
			if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
				p.Signal(syscall.SIGTERM)
				t := time.AfterFunc(killAfter, func() { p.Kill() })
				defer t.Stop()
			}
		case <-done:
			return
		}
	}
}

// exitStatus is the child's exit code, or 128+N if signal N killed it, as
// a shell reports it.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
