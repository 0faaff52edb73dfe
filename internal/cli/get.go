package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// GetOptions are the parsed flags of envseal get.
type GetOptions struct {
	Signer SignerFlags // whose signature the file must carry
	IO     *IOStreams
	Keys   []string
	File   string
	Name   string // "" lists the names
}

// NewCmdGet builds envseal get. runF replaces the run function in tests.
func NewCmdGet(ios *IOStreams, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "get [--key URI]... FILE.sealed [NAME]",
		Short: "Print one variable of a sealed dotenv file, or list its names",
		Long: `Print the value of NAME from the sealed dotenv file FILE.sealed, raw: the
value exactly, unquoted and unescaped, with a line break after it only
when standard output is a terminal. Exit status 1 when the file does not
set NAME.

Without NAME, print the names the file sets, one a line, in file order,
and no value.`,
		Example: `  export PGPASSWORD="$(envseal get --key file:team.key secrets.env.sealed DB_PASSWORD)"

  # which variables are there
  envseal get --key file:team.key secrets.env.sealed`,
		Args: rangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if len(args) == 2 {
				opts.Name = args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` to try (repeatable; default $ENVSEAL_KEY)")
	addSignerFlags(cmd, &opts.Signer)
	return cmd
}

func getRun(ctx context.Context, opts *GetOptions) (err error) {
	if ctx, err = withSignerPolicy(ctx, opts.IO, &opts.Signer); err != nil {
		return err
	}
	if opts.Name != "" {
		if err := checkEnvName(opts.Name); err != nil {
			return err
		}
	}
	vars, err := readEnvFile(ctx, opts.IO, "get", opts.Keys, opts.File)
	if err != nil {
		return err
	}
	if opts.Name == "" {
		for _, v := range vars {
			fmt.Fprintln(opts.IO.Out, v.Key)
		}
		return nil
	}
	for _, v := range vars {
		if v.Key == opts.Name {
			io.WriteString(opts.IO.Out, v.Value)
			if opts.IO.StdoutTTY {
				fmt.Fprintln(opts.IO.Out)
			}
			return nil
		}
	}
	return withHint(fmt.Errorf("%s does not set %s", opts.File, opts.Name), "envseal get "+opts.File+" lists the names it sets")
}
