// Package cli implements envseal's commands: flags, terminal behaviour and
// error reporting. Each command is NewCmdX (flags into an XOptions struct)
// and xRun (the work), with IO streams injected.
package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// NewCmdRoot builds the envseal command tree.
//
// Every line of a command's Example that is not a comment is run as a
// shell command by TestExamples in cmd/envseal, which prepares the files
// the examples name; docs/cli/ is generated from this tree by
// scripts/gen-docs.sh.
func NewCmdRoot(ios *IOStreams, version string) *cobra.Command {
	root := &cobra.Command{
		Use:   "envseal <command>",
		Short: "Envelope encryption for files, with local, AWS KMS and PKCS#11 keys",
		Long: `envseal seals files into authenticated, self-describing envelopes: the data
is encrypted with a fresh data key, and that data key is wrapped for each
key you name (local key files, AWS KMS keys, HSM keys).`,
		Example: `  envseal keygen -o team.key
  envseal seal --key file:team.key -o secrets.env.sealed secrets.env
  envseal open --key file:team.key secrets.env.sealed`,
		Version:       versionString(version),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().BoolVarP(&ios.Quiet, "quiet", "q", false, "no progress bar")
	addSettingFlags(root, ios)
	var timeout time.Duration
	root.PersistentFlags().DurationVar(&timeout, "timeout", 0, "give up after `DURATION` (e.g. 30s, 2m) with exit status 1, leaving no output file; 0 means no limit")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return startTimeout(cmd, timeout) }
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &UsageError{Err: err, Hint: "see: " + cmd.CommandPath() + " --help"}
	})
	root.AddCommand(
		NewCmdKeygen(ios, nil),
		NewCmdSeal(ios, nil),
		NewCmdOpen(ios, nil),
		NewCmdInspect(ios, nil),
		NewCmdDatakey(ios, nil),
		NewCmdRewrap(ios, nil),
		NewCmdHash(ios, nil),
		NewCmdSign(ios, nil),
		NewCmdVerify(ios, nil),
		NewCmdPubkey(ios, nil),
		NewCmdMigrate(ios, nil),
		NewCmdExec(ios, nil),
		NewCmdEdit(ios, nil),
		NewCmdSet(ios, nil),
		NewCmdGet(ios, nil),
		NewCmdUnset(ios, nil),
		NewCmdCheck(ios, nil),
	)
	setUpCompletion(root)
	return root
}

func versionString(v string) string {
	if v == "" {
		return "envseal dev (built from source without a release version)"
	}
	return "envseal " + v
}

// IsUnknownCommand reports cobra's error for a mistyped subcommand, which it
// returns as a plain error.
func IsUnknownCommand(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "unknown command")
}
