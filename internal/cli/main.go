package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs envseal on the process's arguments and standard streams and
// returns its exit status: cmd/envseal's main is os.Exit(cli.Main(version)).
// SIGINT and SIGTERM stop the run (see Execute); an error is printed as
// PrintError does and mapped by ExitCode.
func Main(version string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer Cleanup()
	ios := System()
	err := Execute(ctx, NewCmdRoot(ios, version))
	if IsUnknownCommand(err) {
		err = &UsageError{Err: err, Hint: "see: envseal --help"}
	}
	if err != nil {
		PrintError(ios.ErrOut, err)
	}
	return ExitCode(err)
}
