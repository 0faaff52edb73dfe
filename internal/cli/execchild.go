package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// supervising is set once exec has started (or is about to start) its
// child. From then on a signal is the child's to act on: Execute waits for
// the run to end instead of abandoning it, so the child is never orphaned
// and exec's temp files are removed.
var supervising atomic.Bool

// forwarded are the signals exec passes on to its child. Catching them
// also keeps envseal alive until the child exits.
var forwarded = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// killAfter is how long a child gets to exit after --timeout sent it
// SIGTERM, before SIGKILL.
const killAfter = 10 * time.Second

// Exit statuses of exec itself, as shells and env(1) use them.
const (
	exitCannotRun = 126
	exitNotFound  = 127
)

// runChild runs argv with env, the given streams and extra inherited files
// (descriptors 3 and up), forwards signals to it, and returns its exit
// status as an *ExitError (nil for 0).
func runChild(ctx context.Context, ios *IOStreams, argv, env []string, extra []*os.File) error {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return &ExitError{Code: exitNotFound, Err: fmt.Errorf("failed to run %s: %w", argv[0], err)}
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut,
		ExtraFiles: extra, SysProcAttr: childAttr()}
	// The command's parent-death signal is tied to the forking thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	supervising.Store(true)
	if ctx.Err() != nil {
		return interruption(ctx) // stopped before the child existed
	}
	if err := cmd.Start(); err != nil {
		return &ExitError{Code: exitCannotRun, Err: fmt.Errorf("failed to run %s: %w", argv[0], err)}
	}
	done := make(chan struct{})
	go supervise(ctx, cmd.Process, sigs, done)
	werr := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return fmt.Errorf("failed to wait for %s: %w", argv[0], werr)
	}
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) {
		return te
	}
	if code := exitStatus(cmd.ProcessState); code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

// supervise forwards signals to the child until done, and on --timeout
// asks it to stop, then kills it if it does not.
func supervise(ctx context.Context, p *os.Process, sigs <-chan os.Signal, done <-chan struct{}) {
	timeout := ctx.Done()
	for {
		select {
		case s := <-sigs:
			p.Signal(s)
		case <-timeout:
			timeout = nil
			var te *TimeoutError
			if errors.As(context.Cause(ctx), &te) {
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
