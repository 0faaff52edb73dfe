package cli

import (
	"context"
	"errors"

	"github.com/envseal/envseal/internal/dotenv"
	"github.com/spf13/cobra"
)

// SetOptions are the parsed flags of envseal set.
type SetOptions struct {
	IO         *IOStreams
	Keys       []string
	SignWith   string // re-signs a signed file: its signer's key URI
	AllowEmpty bool
	File       string
	Name       string
}

// NewCmdSet builds envseal set. runF replaces the run function in tests.
func NewCmdSet(ios *IOStreams, runF func(context.Context, *SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "set [--key URI]... [--allow-empty] FILE.sealed NAME",
		Short: "Set one variable of a sealed dotenv file",
		Long: `Set NAME in the sealed dotenv file FILE.sealed to a value read from standard
input (less one final line break), or asked for on the terminal without
echo when standard input is one. Never from the command line: other users
see arguments in the process list, and shells keep them in history.

The line that sets NAME gets the new value, keeping its indentation and
"export "; a NAME not yet set is added as the last line. Comments, order
and every other line are kept byte for byte. The value is written so that
dotenv parsers read it back exactly: as it is when it has only letters,
digits and _ . / : @ + , = % ^ ~ -, else in 'single quotes', else (a value
with ' or a line break) in "double quotes" with \n \r \t \" \\ escaped. A
NUL byte is refused, and so is an empty value (an empty pipe, a variable
that was not set, Enter at the prompt) unless --allow-empty is given.

The file is re-sealed in place as 'envseal edit' does: one key that opens
it is enough, the recipients and context stay, and it is replaced
atomically (it is left as it was when the value did not change). A signed
file needs --sign-with URI, its signer's key, to be re-signed. Exit
status: 0 on success, 1 when the file cannot be opened or parsed, 2 for a
NAME that is not a variable name or an empty value without --allow-empty.`,
		Example: `  printf '%s' "$NEW_TOKEN" | envseal set --key file:team.key secrets.env.sealed API_TOKEN

  # from a file, a multi-line value
  envseal set --key file:team.key secrets.env.sealed TLS_CERT < cert.pem`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.Name = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` that opens the file (repeatable; default $ENVSEAL_KEY)")
	addResignFlag(cmd, &opts.SignWith)
	cmd.Flags().BoolVar(&opts.AllowEmpty, "allow-empty", false, "set NAME to an empty value when the input is empty")
	return cmd
}

func setRun(ctx context.Context, opts *SetOptions) error {
	if err := checkEnvName(opts.Name); err != nil {
		return err
	}
	value, err := readValue(opts.IO, opts.Name)
	if err != nil {
		return err
	}
	defer clear(value)
	if len(value) == 0 && !opts.AllowEmpty {
		// Most often "$TOKEN" was unset or the pipe's producer failed:
		// setting NAME= would silently wipe a credential.
		return usageErrorf("pass --allow-empty to set "+opts.Name+" to an empty value", "the value for %s is empty", opts.Name)
	}
	return changeEnvFile(ctx, opts.IO, "set", opts.Keys, opts.SignWith, opts.File, func(data []byte) ([]byte, error) {
		out, err := dotenv.Set(data, opts.Name, string(value))
		if errors.Is(err, dotenv.ErrNUL) {
			return nil, withHint(err, "remove it from the value")
		}
		return out, err
	})
}
