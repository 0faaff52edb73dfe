package cli

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/internal/dotenv"
	"github.com/spf13/cobra"
)

// UnsetOptions are the parsed flags of envseal unset.
type UnsetOptions struct {
	IO       *IOStreams
	Keys     []string
	SignWith string // re-signs a signed file: its signer's key URI
	File     string
	Name     string
}

// NewCmdUnset builds envseal unset. runF replaces the run function in tests.
func NewCmdUnset(ios *IOStreams, runF func(context.Context, *UnsetOptions) error) *cobra.Command {
	opts := &UnsetOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "unset [--key URI]... FILE.sealed NAME",
		Short: "Remove one variable from a sealed dotenv file",
		Long: `Remove the line that sets NAME from the sealed dotenv file FILE.sealed,
keeping comments, order and every other line byte for byte, and re-seal it
in place as 'envseal edit' does (one key that opens it is enough; the
recipients and context stay; a signed file needs --sign-with URI, its
signer's key, to be re-signed). A NAME the file does not set is an error
(exit 1), so that a typo does not pass for a removal; the file is then
left as it was.`,
		Example: `  envseal unset --key file:team.key secrets.env.sealed OLD_API_TOKEN`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.Name = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return unsetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` that opens the file (repeatable; default $ENVSEAL_KEY)")
	addResignFlag(cmd, &opts.SignWith)
	return cmd
}

func unsetRun(ctx context.Context, opts *UnsetOptions) error {
	if err := checkEnvName(opts.Name); err != nil {
		return err
	}
	return changeEnvFile(ctx, opts.IO, "unset", opts.Keys, opts.SignWith, opts.File, func(data []byte) ([]byte, error) {
		out, found, err := dotenv.Unset(data, opts.Name)
		if err == nil && !found {
			return nil, withHint(fmt.Errorf("%s is not set", opts.Name), "envseal get "+opts.File+" lists the names it sets")
		}
		return out, err
	})
}
