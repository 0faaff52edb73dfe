package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

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
decrypted and its padding checked out; on any failure IN is left as it was.

--in-place replaces IN atomically and keeps the original as IN.orig (a hard
link, made before anything is written; migrate refuses to start if IN.orig
is another file). A wrong --pass, --iter or --md is caught only by the
padding check, which about 1 time in 256 passes anyway: the migrated file
then holds garbage and nothing can tell. Open it and check the plaintext
(compare 'envseal hash' of the new file with a hash of 'envseal open
--legacy-openssl' of IN.orig, or look at it) before deleting IN.orig.

openssl enc files are not authenticated: envseal cannot tell whether IN was
modified before it was migrated. From then on, the sealed file is.`,
		Example: `  # a file of the aws kms + openssl demo pipeline (-k file:///./datakey -iter 1000):
  # the passphrase is that literal string
  envseal migrate --pass 'pass:file:///./datakey' --iter 1000 \
      --key awskms:///alias/Demo -o data-file.txt.sealed encrypted-data-file.txt

  # made with -pass file:datakey, where datakey came from KMS: use its encrypted copy
  envseal migrate --pass kms:encrypted-datakey --iter 1000 --key awskms:///alias/Demo --in-place backup.enc

  # passphrase from the environment, replacing the file (the original is kept
  # as archive.enc.orig: check the new file, then delete it)
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
	f.BoolVar(&opts.InPlace, "in-place", false, "replace IN atomically, keeping the original as IN.orig")
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
		return migrateInPlace(ctx, opts.IO, opts.Input, fn)
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
	return sealTo(ctx, out, r, ws, encCtx, nil)
}

// migrateInPlace replaces path with its migration and keeps the original
// as path.orig. A wrong passphrase, --iter or --md passes the padding check
// about one time in 256 and migrates garbage, which nothing can detect:
// the original must outlive the run, until the user has checked the result.
func migrateInPlace(ctx context.Context, ios *IOStreams, path string, fn func(io.Reader, io.Writer) error) error {
	path = inPlaceTarget(path)
	orig := path + ".orig"
	// The input is checked first (lockInPlace reports a missing file, a
	// directory or a FIFO without waiting on it), so that such a path is
	// reported as such, not as a failure to link orig.
	l, err := lockInPlace(path)
	if err != nil {
		return err
	}
	defer l.Close()
	// Before orig is linked: that link is ours, and one an interrupted run
	// left is reused.
	if err := checkSingleLink(path, orig); err != nil {
		return err
	}
	if err := keepOriginal(path, orig); err != nil {
		return err
	}
	if err := replaceFile(ctx, ios, "migrating", path, fn); err != nil {
		// The link is dropped only while path still names the original:
		// should a failure ever come after the rename, orig is then its
		// only name and stays.
		if sameFile(path, orig) {
			os.Remove(orig)
		}
		return err
	}
	fmt.Fprintf(ios.ErrOut, "envseal: the original is kept as %s: check the migrated file, then delete it\n", orig)
	return nil
}

// keepOriginal hard-links orig to path's file, so that the original
// survives the rename that replaces path. The link is made before any
// work, so a run that cannot keep the original does nothing. An orig that
// is already path's file is left from an interrupted run and is reused.
func keepOriginal(path, orig string) error {
	err := os.Link(path, orig)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist) && sameFile(path, orig):
		return nil
	case errors.Is(err, fs.ErrExist):
		// Exit 1, like any output that exists: the command line was right.
		return withHint(fmt.Errorf("%s exists: migrate --in-place keeps the original there", orig),
			"move it away, or migrate with -o OUT")
	}
	return fmt.Errorf("failed to keep the original as %s: %w", orig, err)
}

// sameFile reports whether a and b are names of one file.
func sameFile(a, b string) bool {
	fa, err := os.Lstat(a)
	if err != nil {
		return false
	}
	fb, err := os.Lstat(b)
	return err == nil && os.SameFile(fa, fb)
}
