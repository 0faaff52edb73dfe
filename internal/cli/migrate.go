package cli

import (
	"context"
	"io"

	"github.com/envseal/envseal/internal/legacy"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// MigrateOptions are the parsed flags of envseal migrate.
type MigrateOptions struct {
	IO      *IOStreams
	Legacy  LegacyOptions
	Keys    []string
	Context []string
	Output  string
	InPlace bool
	Force   bool
	Input   string
}

// NewCmdMigrate builds envseal migrate. runF replaces the run function in tests.
func NewCmdMigrate(ios *IOStreams, runF func(context.Context, *MigrateOptions) error) *cobra.Command {
	opts := &MigrateOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "migrate --pass SPEC [--iter N] [--md MD] [--key URI]... [--context k=v]... (-o OUT | --in-place) IN",
		Short: "Re-seal an openssl enc file as an envseal envelope",
		Long: `Decrypt IN, a file made by 'openssl enc -aes-256-cbc', and seal its plaintext
for the --key recipients, in one streaming pass: the plaintext never touches
the disk and memory use does not depend on the file's size.

--pass, --iter, --pbkdf2 and --md are the settings openssl was run with (see
'envseal open --help'). The output appears only once the whole legacy file
decrypted and its padding checked out; --in-place then replaces IN
atomically, and on any failure IN is left as it was.

openssl enc files are not authenticated: envseal cannot tell whether IN was
modified before it was migrated. From then on, the sealed file is.`,
		Example: `  # a file of the aws kms + openssl demo pipeline (-k file:///./datakey -iter 1000):
  # the passphrase is that literal string
  envseal migrate --pass 'pass:file:///./datakey' --iter 1000 \
      --key awskms:///alias/Demo -o data-file.txt.sealed encrypted-data-file.txt

  # made with -pass file:datakey, where datakey came from KMS: use its encrypted copy
  envseal migrate --pass kms:encrypted-datakey --iter 1000 --key awskms:///alias/Demo --in-place backup.enc

  # passphrase from the environment, replacing the file
  envseal migrate --pass env:BACKUP_PASSPHRASE --pbkdf2 --key file:team.key --in-place archive.enc`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return migrateRun(cmd.Context(), opts)
		},
	}
	addLegacyFlags(cmd, &opts.Legacy)
	f := cmd.Flags()
	f.StringArrayVarP(&opts.Keys, "key", "k", nil, "recipient key `URI` (repeatable; default $ENVSEAL_KEY)")
	f.StringArrayVarP(&opts.Context, "context", "c", nil, "encryption context `key=value` (repeatable)")
	f.StringVarP(&opts.Output, "output", "o", "", "write to `FILE`")
	f.BoolVar(&opts.InPlace, "in-place", false, "replace IN atomically")
	f.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	return cmd
}

func migrateRun(ctx context.Context, opts *MigrateOptions) error {
	if err := checkMigrateFlags(opts); err != nil {
		return err
	}
	kdf, err := opts.Legacy.kdf()
	if err != nil {
		return err
	}
	encCtx, err := parseContext(opts.Context)
	if err != nil {
		return err
	}
	uris := keyURIs(opts.Keys)
	if len(uris) == 0 {
		return errNoKey("migrate")
	}
	ws, err := openWrappers(ctx, uris, providerOptions(opts.IO))
	if err != nil {
		return err
	}
	pass, err := opts.Legacy.passphrase(ctx, opts.IO, opts.Input)
	if err != nil {
		return err
	}
	defer clear(pass)
	fn := func(in io.Reader, out io.Writer) error {
		return migrateTo(ctx, out, in, pass, kdf, ws, encCtx)
	}
	if opts.InPlace {
		return replaceFile(ctx, opts.IO, "migrating", opts.Input, fn)
	}
	return transform(ctx, opts.IO, transformOptions{Verb: "migrating", Input: opts.Input, Output: opts.Output, Force: opts.Force, Mode: 0o644}, fn)
}

func checkMigrateFlags(opts *MigrateOptions) error {
	switch {
	case opts.InPlace && opts.Output != "":
		return usageErrorf("use one of them", "--in-place and -o cannot be combined")
	case !opts.InPlace && opts.Output == "":
		return usageErrorf("pass -o FILE or --in-place", "migrate needs an output")
	case opts.Input == "-" && opts.InPlace:
		return usageErrorf("", "--in-place needs a file, not standard input")
	}
	return nil
}

// migrateTo streams the legacy plaintext into a new envelope. If the
// legacy padding fails at the very end, the error comes before the
// envelope is closed, and the caller discards the output.
func migrateTo(ctx context.Context, out io.Writer, in io.Reader, pass []byte, kdf legacy.KDF,
	ws []keyprovider.Wrapper, encCtx map[string]string) error {
	r, err := legacy.NewReader(in, pass, kdf)
	if err != nil {
		return err
	}
	return sealTo(ctx, out, r, ws, encCtx)
}
