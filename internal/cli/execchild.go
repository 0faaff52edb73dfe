package cli

import (
	"context"
	"errors"
	"os"

	"github.com/envseal/envseal/internal/supervise"
)

// runChild runs argv with env, the given streams and extra inherited files
// (descriptors 3 and up), forwards signals to it, and returns its exit
// status as an *ExitError (nil for 0).
func runChild(ctx context.Context, ios *IOStreams, argv, env []string, extra []*os.File) error {
	code, err := supervise.Run(ctx, &supervise.Cmd{Argv: argv, Env: env,
		Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut, ExtraFiles: extra})
	var se *supervise.StartError
	switch {
	case errors.As(err, &se):
		return &ExitError{Code: se.Code, Err: se.Err}
	case errors.Is(err, supervise.ErrNotStarted):
		return interruption(ctx) // stopped before the child existed
	case err != nil:
		return err
	}
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) {
		return te
	}
	if code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}
