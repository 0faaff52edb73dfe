package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Main runs envseal on the process's arguments and standard streams and
// returns its exit status: cmd/envseal's main is os.Exit(cli.Main(version)).
// SIGINT and SIGTERM stop the run (see Execute); an error is printed as
// PrintError does and mapped by ExitCode. First of all, before it reads
// any key, envseal makes itself non-dumpable (see harden).
func Main(version string) int {
	ios := System()
	if err := harden(); err != nil {
		// Not fatal: a kernel or sandbox that refuses prctl leaves
		// envseal as dumpable as before, which the user should know.
		fmt.Fprintf(ios.ErrOut, "envseal: warning: %v\n", err)
	}
	// SIGHUP (a closed terminal or SSH session) stops a run like SIGINT
	// and SIGTERM do: outputs discarded, exec's secret files removed, a
	// prompt's terminal restored. Uncaught, it would kill envseal outright.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	defer Cleanup()
	err := Execute(ctx, NewCmdRoot(ios, version))
	if IsUnknownCommand(err) {
		err = &UsageError{Err: err, Hint: "see: envseal --help"}
	}
	if err != nil {
		PrintError(ios.ErrOut, err)
	}
	return ExitCode(err)
}
