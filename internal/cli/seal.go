package cli

import (
	"context"
	"io"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// SealOptions are the parsed flags of envseal seal.
type SealOptions struct {
	IO      *IOStreams
	Keys    []string
	Context []string
	Output  string
	Force   bool
	Armor   bool
	Input   string
	Inputs  []string // batch: several inputs, or -o naming a directory (batch.go)

	// SignWith signs the file with the key URI; SignerCert is a PEM file
	// of the signer's certificate and intermediates to embed (sealsign.go).
	SignWith   string
	SignerCert string
	Batch      BatchOptions
}

// NewCmdSeal builds envseal seal. runF replaces the run function in tests.
func NewCmdSeal(ios *IOStreams, runF func(context.Context, *SealOptions) error) *cobra.Command {
	opts := &SealOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "seal [--key URI]... [--context k=v]... [-o OUT|-o DIR] [IN|-|FILE...]",
		Short: "Encrypt a file into an envelope for one or more keys",
		Long: `Encrypt IN (or standard input) with a fresh data key, wrap that data key
for every --key, and write a self-describing, authenticated envelope file.

The encryption context (--context) is stored in the header and bound to the
data: open can require it. It is not secret.

Several inputs, or -o naming an existing directory, seal each FILE to
DIR/FILE.sealed, each output atomic. The keys are opened once; each file
gets its own data key (one KMS GenerateDataKey per file).`,
		Example: `  # seal with a local key file
  envseal keygen -o team.key
  envseal seal --key file:team.key -o secrets.env.sealed secrets.env

  # text-safe output for YAML, env vars and CI secret stores
  envseal seal --key file:team.key --armor < token.txt > token.txt.sealed.pem

  # two recipients and a context, from a pipe
  pg_dump db | envseal seal --key file:team.key --key file:breakglass.key \
      --context app=billing --context env=prod > db.sql.sealed

  # many files into a directory
  envseal seal --key awskms:///alias/Demo -o sealed/ config/*.env`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input = args[0]
			}
			opts.Inputs = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sealRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Keys, "key", "k", nil, "recipient key `URI` (repeatable; default $ENVSEAL_KEY)")
	cmd.Flags().StringArrayVarP(&opts.Context, "context", "c", nil, "encryption context `key=value` (repeatable)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	cmd.Flags().BoolVarP(&opts.Armor, "armor", "a", false, "write PEM-style text (open detects it)")
	cmd.Flags().StringVar(&opts.SignWith, "sign-with", "", "sign the file with the key `URI` (file: PKCS#8, awskms SIGN_VERIFY, pkcs11 private key)")
	cmd.Flags().StringVar(&opts.SignerCert, "signer-cert", "", "embed the signer's certificate and intermediates from PEM `FILE` (needs --sign-with)")
	addBatchFlags(cmd, &opts.Batch)
	return cmd
}

func sealRun(ctx context.Context, opts *SealOptions) error {
	uris := keyURIs(opts.Keys)
	if len(uris) == 0 {
		return errNoKey("seal")
	}
	encCtx, err := parseContext(opts.Context)
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
	if (opts.Output == "" || opts.Output == "-") && opts.IO.StdoutTTY && !opts.Armor {
		return usageErrorf("pass -o FILE, redirect the output, or use --armor for text", "refusing to write binary data to a terminal")
	}
	if ctx, err = withSealSigner(ctx, opts.IO, opts.SignWith, opts.SignerCert); err != nil {
		return err
	}
	ws, err := openWrappers(ctx, uris, providerOptions(opts.IO))
	if err != nil {
		return err
	}
	if batch {
		return sealBatch(ctx, opts, ws, encCtx)
	}
	return transform(ctx, opts.IO, transformOptions{Verb: "sealing", Input: opts.Input, Output: opts.Output, Force: opts.Force, Mode: 0o644},
		sealer(ctx, ws, encCtx, opts.Armor, nil))
}

// sealer is the step single and batch seal share: plaintext in, an
// envelope (armored if asked) out. slots, when not nil, bounds the
// payloads being encrypted at once (batch.go).
func sealer(ctx context.Context, ws []keyprovider.Wrapper, encCtx map[string]string, armored bool, slots payloadSlots) func(io.Reader, io.Writer) error {
	return func(in io.Reader, out io.Writer) error {
		if !armored {
			return sealTo(ctx, out, in, ws, encCtx, slots)
		}
		aw := armor.NewWriter(out)
		if err := sealTo(ctx, aw, in, ws, encCtx, slots); err != nil {
			return err
		}
		return aw.Close()
	}
}

func sealTo(ctx context.Context, out io.Writer, in io.Reader, ws []keyprovider.Wrapper, encCtx map[string]string, slots payloadSlots) error {
	w, err := envelope.EncryptWith(ctx, out, ws, encCtx, sealOptions(ctx))
	if err != nil {
		return err
	}
	release, err := slots.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	if _, err := io.Copy(w, in); err != nil {
		return err
	}
	return w.Close()
}
