package cli

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider/localkey"
	"github.com/spf13/cobra"
)

// KeygenOptions are the parsed flags of envseal keygen.
type KeygenOptions struct {
	IO     *IOStreams
	Output string
	Force  bool
}

// NewCmdKeygen builds envseal keygen. runF replaces the run function in tests.
func NewCmdKeygen(ios *IOStreams, runF func(context.Context, *KeygenOptions) error) *cobra.Command {
	opts := &KeygenOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "keygen -o FILE [--force]",
		Short: "Create a new key",
		Long: `Create a new local AES-256 key-encryption key in FILE (mode 0600, never
replacing an existing file unless --force) and print its URI, file:FILE, on
standard error.`,
		Example: `  envseal keygen -o team.key
  envseal seal --key file:team.key -o notes.sealed notes.txt`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return keygenRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the new key to `FILE`")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing key file (the old key is lost)")
	return cmd
}

func keygenRun(_ context.Context, opts *KeygenOptions) error {
	if opts.Output == "" || opts.Output == "-" {
		return usageErrorf("keys are written to files only, never to a terminal or log: envseal keygen -o FILE",
			"keygen needs -o FILE")
	}
	if _, err := localkey.Generate(opts.Output, opts.Force); err != nil {
		return withHintIfExists(err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "file:%s\n", opts.Output)
	return nil
}
