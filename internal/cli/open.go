package cli

import (
	"bufio"
	"context"
	"io"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// OpenOptions are the parsed flags of envseal open.
type OpenOptions struct {
	IO      *IOStreams
	Keys    []string
	Context []string
	Output  string
	Force   bool
	Input   string
	Inputs  []string // batch: several inputs, or -o naming a directory (batch.go)
	Batch   BatchOptions

	// LegacyOpenSSL opens an `openssl enc` file with Legacy's passphrase
	// and KDF settings instead (openlegacy.go).
	LegacyOpenSSL bool
	Legacy        LegacyOptions

	// Discovery lets any AWS KMS stanza be tried with the caller's AWS
	// credentials, optionally limited to AllowKeys (key ARNs).
	Discovery bool
	AllowKeys []string

	// Ranged reads only Offset (negative: from the end) and Length bytes
	// (negative: to the end) of the plaintext, with random access
	// (openrange.go).
	Ranged bool
	Offset int64
	Length int64

	// Signer is whose signature the file must carry (signerpolicy.go).
	Signer SignerFlags
}

// NewCmdOpen builds envseal open. runF replaces the run function in tests.
func NewCmdOpen(ios *IOStreams, runF func(context.Context, *OpenOptions) error) *cobra.Command {
	opts := &OpenOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "open [--key URI]... [--context k=v]... [-o OUT|-o DIR] [IN|-|FILE...]",
		Short: "Decrypt an envelope file",
		Long: `Decrypt IN (or standard input) with any one of the --key keys that the file
was sealed for.

Armored input (seal --armor) is detected and decoded automatically.
Plaintext is released one authenticated 16 KiB chunk at a time and the exit
status is 0 only if the whole file authenticated. With -o, the output file
appears only on success. Every --context pair must be in the file with the
same value, or open fails before decrypting anything.

--offset and --length decrypt only part of a sealed file (not armored, not
standard input) with random access: the header, the final chunk and the
chunks that cover the range are read and authenticated, and nothing else,
so the last MiB of a 100 GB file takes milliseconds. A negative --offset
counts from the end. Exit status 0 then vouches for the bytes printed, not
for the parts of the file that were not read.

Several inputs, or -o naming an existing directory, open each FILE.sealed
to DIR/FILE (the name without .sealed), each output atomic; the keys are
opened once, and each file costs at most one KMS Decrypt.

--legacy-openssl opens a file made by 'openssl enc -aes-256-cbc' instead,
with the passphrase source --pass as openssl's -pass takes it (pass:TEXT,
env:VAR, file:PATH, fd:N, stdin) or kms:BLOB, a raw KMS CiphertextBlob
whose data key is used as '-pass file:' would have used it (first line
only). --iter N, --pbkdf2 and --md must match how the file was made. Such
files are not authenticated: a wrong passphrase shows only as a bad
padding at the end, and a modified file may decrypt without an error.`,
		Example: `  envseal open --key file:team.key -o secrets.env secrets.env.sealed

  # a file sealed to an AWS KMS key, with the ambient AWS credentials
  envseal open --key awskms:///alias/Demo -o db.sql db.sql.sealed
  envseal open --discovery --allow-key arn:aws:kms:us-east-1:111122223333:key/0b2ba0b4-6f7c-4a3e-9d1f-3c5e2a7d8f10 db.sql.sealed

  # in CI: key from the environment, required context, to a pipe
  ENVSEAL_KEY=file:ci.key envseal open --context env=prod db.sql.sealed | psql

  # the last 64 KiB of a large sealed log, without decrypting the rest
  envseal open --key file:team.key --offset -65536 app.log.sealed | tail -n 5

  # many files into a directory
  envseal open --key awskms:///alias/Demo -o config/ sealed/*.sealed

  # a file of the aws kms + openssl demo pipeline (-k file:///./datakey -iter 1000)
  envseal open --legacy-openssl --pass 'pass:file:///./datakey' --iter 1000 -o data-file.txt encrypted-data-file.txt`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input = args[0]
			}
			opts.Inputs = args
			opts.Ranged = cmd.Flags().Changed("offset") || cmd.Flags().Changed("length")
			switch {
			case !cmd.Flags().Changed("length"):
				opts.Length = -1 // to the end
			case opts.Length < 0:
				return usageErrorf("leave --length out to read to the end", "--length must be 0 or more, not %d", opts.Length)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return openRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` to try (repeatable; default $ENVSEAL_KEY)")
	cmd.Flags().StringArrayVarP(&opts.Context, "context", "c", nil, "require encryption context `key=value` (repeatable)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file; print binary to a terminal")
	cmd.Flags().BoolVar(&opts.Discovery, "discovery", false, "try every AWS KMS stanza with the ambient AWS credentials")
	cmd.Flags().StringArrayVar(&opts.AllowKeys, "allow-key", nil, "with --discovery, only use this KMS key `ARN` (repeatable)")
	cmd.Flags().Int64Var(&opts.Offset, "offset", 0, "decrypt from plaintext byte `N` on (negative: N bytes before the end)")
	cmd.Flags().Int64Var(&opts.Length, "length", 0, "decrypt at most `N` bytes (default: to the end)")
	cmd.Flags().BoolVar(&opts.LegacyOpenSSL, "legacy-openssl", false, "IN is an openssl enc file: decrypt it with --pass (unauthenticated)")
	addLegacyFlags(cmd, &opts.Legacy)
	addSignerFlags(cmd, &opts.Signer)
	addBatchFlags(cmd, &opts.Batch)
	return cmd
}

func openRun(ctx context.Context, opts *OpenOptions) error {
	if opts.Ranged {
		if err := checkRange(opts); err != nil {
			return err
		}
	}
	if opts.LegacyOpenSSL || opts.Legacy.set() {
		if err := opts.Signer.refuseUnsignable("--legacy-openssl", "openssl enc files"); err != nil {
			return err
		}
		return openLegacyRun(ctx, opts)
	}
	required, err := parseContext(opts.Context)
	if err != nil {
		return err
	}
	batch, err := batchMode(opts.Output, opts.Inputs)
	if err != nil {
		return err
	}
	if err := opts.Batch.check(); err != nil {
		return err
	}
	if ctx, err = withSignerPolicy(ctx, opts.IO, &opts.Signer); err != nil {
		return err
	}
	ids, err := openIdentities(ctx, opts)
	if err != nil {
		return err
	}
	switch {
	case batch:
		return openBatch(ctx, opts, ids, required)
	case opts.Ranged:
		return openRange(ctx, opts, ids, required)
	}
	// Plaintext files are created 0600: they hold what was worth sealing.
	return transform(ctx, opts.IO, transformOptions{Verb: "opening", Input: opts.Input, Output: opts.Output, Force: opts.Force, Mode: 0o600},
		opener(ctx, ids, required, opts.toTerminal(), nil))
}

// toTerminal reports whether plaintext goes to a terminal unforced: then
// nothing is printed before the whole file authenticated, and binary is
// refused.
func (opts *OpenOptions) toTerminal() bool {
	return (opts.Output == "" || opts.Output == "-") && opts.IO.StdoutTTY && !opts.Force
}

// opener is the step single and batch open share: an envelope (armored or
// not) in, authenticated plaintext out, held back for a terminal. slots,
// when not nil, bounds the payloads being decrypted at once (batch.go).
func opener(ctx context.Context, ids []keyprovider.Unwrapper, required map[string]string, toTerminal bool, slots payloadSlots) func(io.Reader, io.Writer) error {
	return func(in io.Reader, out io.Writer) error {
		h, r, err := envelope.DecryptWith(ctx, dearmor(in), ids, openOptions(ctx, required))
		if err != nil {
			return err
		}
		done, err := slots.acquire(ctx)
		if err != nil {
			return err
		}
		defer done()
		return release(out, noteUnverifiedSigner(ctx, h, r), toTerminal)
	}
}

// dearmor returns a buffered reader of the binary envelope, decoding armor
// when the input starts with it.
func dearmor(in io.Reader) io.Reader {
	br := bufio.NewReaderSize(in, 64<<10)
	if armor.IsArmored(br) {
		return bufio.NewReaderSize(armor.NewReader(br), 64<<10)
	}
	return br
}

// openIdentities opens the --key URIs (or $ENVSEAL_KEY) and, with
// --discovery, adds the backends' discovery unwrappers (any AWS KMS
// stanza).
func openIdentities(ctx context.Context, opts *OpenOptions) ([]keyprovider.Unwrapper, error) {
	uris := keyURIs(opts.Keys)
	if len(opts.AllowKeys) > 0 && !opts.Discovery {
		return nil, usageErrorf("add --discovery, or name the key with --key", "--allow-key needs --discovery")
	}
	if len(uris) == 0 && !opts.Discovery {
		return nil, errNoKey("open")
	}
	popts := providerOptions(opts.IO)
	ids, err := openUnwrappers(ctx, uris, popts)
	if err != nil || !opts.Discovery {
		return ids, err
	}
	ds, err := keyprovider.Discover(ctx, popts, opts.AllowKeys)
	if err != nil {
		return nil, err
	}
	return append(ids, ds...), nil
}
