package cli

import (
	"context"
	"io"
	"io/fs"

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
	if (opts.Output == "" || opts.Output == "-") && opts.IO.StdoutTTY && !opts.Armor {
		return usageErrorf("pass -o FILE, redirect the output, or use --armor for text", "refusing to write binary data to a terminal")
	}
	ws, err := openWrappers(ctx, uris, providerOptions(opts.IO))
	if err != nil {
		return err
	}
	if batch {
		return sealBatch(ctx, opts, ws, encCtx)
	}
	return transform(ctx, opts.IO, "sealing", opts.Input, opts.Output, opts.Force, 0o644,
		sealer(ctx, ws, encCtx, opts.Armor))
}

// sealer is the step single and batch seal share: plaintext in, an
// envelope (armored if asked) out.
func sealer(ctx context.Context, ws []keyprovider.Wrapper, encCtx map[string]string, armored bool) func(io.Reader, io.Writer) error {
	return func(in io.Reader, out io.Writer) error {
		if !armored {
			return sealTo(ctx, out, in, ws, encCtx)
		}
		aw := armor.NewWriter(out)
		if err := sealTo(ctx, aw, in, ws, encCtx); err != nil {
			return err
		}
		return aw.Close()
	}
}

func sealTo(ctx context.Context, out io.Writer, in io.Reader, ws []keyprovider.Wrapper, encCtx map[string]string) error {
	w, err := envelope.Encrypt(ctx, out, ws, encCtx)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		return err
	}
	return w.Close()
}

// transform runs fn from the input to the output and makes the output
// appear only if fn succeeds. Every command that writes a file uses it.
//
// verb labels the progress bar, shown for long jobs when stderr is a
// terminal.
func transform(ctx context.Context, ios *IOStreams, verb, inPath, outPath string, force bool, mode fs.FileMode,
	fn func(io.Reader, io.Writer) error) error {
	return withInputOutput(ios, inPath, outPath, force, false, mode, progressed(ctx, ios, verb, fn))
}

// replaceFile is transform with IN as its own output: the new content goes
// to a temp file beside it, which replaces IN only if fn succeeded. The
// file keeps its permission bits.
func replaceFile(ctx context.Context, ios *IOStreams, verb, path string, fn func(io.Reader, io.Writer) error) error {
	return withInputOutput(ios, path, path, true, true, 0o644, progressed(ctx, ios, verb, fn))
}

// progressed runs fn on the input behind a progress bar labelled verb
// (shown for long jobs when stderr is a terminal), stopping at ctx's end.
func progressed(ctx context.Context, ios *IOStreams, verb string, fn func(io.Reader, io.Writer) error) func(*input, io.Writer) error {
	return func(in *input, out io.Writer) error {
		pr := withProgress(ios, ctxReader{ctx, in}, in.size(), verb)
		defer pr.Finish()
		return fn(pr, out)
	}
}

// withInputOutput opens inPath (or stdin) and an atomic output at outPath
// (or stdout), runs fn, and keeps the output only if fn succeeds. With
// inPlace, outPath is inPath, which the output replaces keeping its mode
// (mode is then only the fallback); otherwise they must differ.
func withInputOutput(ios *IOStreams, inPath, outPath string, force, inPlace bool, mode fs.FileMode,
	fn func(*input, io.Writer) error) error {
	in, err := openInput(ios, inPath)
	if err != nil {
		return err
	}
	defer in.Close()
	switch {
	case inPlace:
		mode = in.mode(mode)
	case in.sameFile(outPath):
		return usageErrorf("write to another file, then rename it", "input and output are the same file")
	}
	out, err := openOutput(ios, outPath, force, mode)
	if err != nil {
		return err
	}
	if err := fn(in, out); err != nil {
		out.abort()
		return err
	}
	return out.commit()
}
