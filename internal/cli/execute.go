package cli

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/envseal/envseal/internal/supervise"
	"github.com/spf13/cobra"
)

// stopGrace is how long a command gets to return by itself once it was
// asked to stop (a signal, --timeout). Reads of regular files and KMS
// calls notice within microseconds; a read blocked on a pipe or terminal,
// or a write blocked on a full stdout pipe, would wait for the other end.
const stopGrace = 250 * time.Millisecond

// abandoned is set when Execute returned without the command: Cleanup then
// leaves backend sessions to the process exit instead of blocking on them.
var abandoned atomic.Bool

type cancelKey struct{}

// Execute runs the command tree under ctx, which main cancels on SIGINT
// and SIGTERM, and under --timeout. When the run is stopped, the command
// normally returns at once with its temp output removed; if it is stuck in
// a read or write it cannot leave, Execute discards every temp output
// itself after stopGrace and returns, and the stuck goroutine ends with the
// process. Either way no partial output file is left, and no exec --file
// directory.
func Execute(ctx context.Context, root *cobra.Command) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ctx = context.WithValue(ctx, cancelKey{}, cancel)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	select {
	case err := <-done:
		return stopReason(ctx, err)
	case <-ctx.Done():
	}
	if supervise.Started() {
		// exec has forwarded the signal to its child: the run ends when
		// the child does, with its status (see runChild).
		return <-done
	}
	select {
	case err := <-done:
		return stopReason(ctx, err)
	case <-time.After(stopGrace):
	}
	outputs.Load().Stop()
	abandoned.Store(true)
	err := stopReason(ctx, ErrInterrupted)
	if rerr := removeLiveSecretDir(); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// stopReason replaces the error of a command that was stopped by the
// reason it was stopped: a run that was interrupted or timed out reports
// that, not the cancelled call it was in. A command that finished anyway
// keeps its result.
func stopReason(ctx context.Context, err error) error {
	if xe := (*ExitError)(nil); err == nil || ctx.Err() == nil || errors.As(err, &xe) {
		return err
	}
	return interruption(ctx)
}

// interruption is the error for a run whose context is done.
func interruption(ctx context.Context) error {
	var te *TimeoutError
	if cause := context.Cause(ctx); errors.As(cause, &te) {
		return te
	}
	return ErrInterrupted
}

// TimeoutError is a run stopped by --timeout.
type TimeoutError struct {
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("gave up after %v (--timeout)", e.After)
}

// Is makes a timeout match context.DeadlineExceeded.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// startTimeout arms --timeout for the command about to run. It runs after
// flag parsing (PersistentPreRunE), so the clock covers the work, and it
// cancels the context Execute made, so a stuck command is abandoned too.
func startTimeout(cmd *cobra.Command, d time.Duration) error {
	if d < 0 {
		return usageErrorf("pass a positive duration such as 30s or 2m, or 0 for no limit", "--timeout %v is negative", d)
	}
	if d == 0 {
		return nil
	}
	ctx := cmd.Context()
	cancel, ok := ctx.Value(cancelKey{}).(context.CancelCauseFunc)
	if !ok {
		// Run without Execute (a test calling ExecuteContext): the
		// deadline still reaches every backend call and read.
		ctx, cancel = context.WithCancelCause(ctx)
		cmd.SetContext(ctx)
	}
	time.AfterFunc(d, func() { cancel(&TimeoutError{After: d}) })
	return nil
}
