// Command envseal is the envelope-encryption CLI. All behaviour lives in
// internal/cli; main builds the command, runs it and maps errors to exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/envseal/envseal/internal/cli"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer cli.Cleanup()
	ios := cli.System()
	err := cli.Execute(ctx, cli.NewCmdRoot(ios, version))
	if cli.IsUnknownCommand(err) {
		err = &cli.UsageError{Err: err, Hint: "see: envseal --help"}
	}
	if err != nil {
		cli.PrintError(ios.ErrOut, err)
	}
	return cli.ExitCode(err)
}
