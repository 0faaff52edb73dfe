package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/envseal/envseal/internal/checksum"
	"github.com/spf13/cobra"
)

// HashOptions are the parsed flags of envseal hash.
type HashOptions struct {
	IO        *IOStreams
	Algorithm string
	Tag       bool
	Check     string
	Strict    bool
	Files     []string
}

// NewCmdHash builds envseal hash. runF replaces the run function in tests.
func NewCmdHash(ios *IOStreams, runF func(context.Context, *HashOptions) error) *cobra.Command {
	opts := &HashOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "hash [-a ALGORITHM] [--tag | -c SUMS] [FILE ...|-]",
		Short: "Print or check file digests, like sha256sum",
		Long: `Print the digest of each FILE (standard input when there is none, or for -)
in the format of sha256sum, "<hex>  <name>", which sha256sum -c accepts; with
--tag, in the BSD format "SHA256 (<name>) = <hex>".

With -c SUMS, read a list in either format (SUMS may be -, standard input),
hash every file it names and print "NAME: OK" or "NAME: FAILED". BSD-format
lines name their own algorithm; other lines use -a. The exit status is 1 when
any file fails or cannot be read; improperly formatted lines are reported
and fail the check only with --strict, as with sha256sum.

Algorithms: ` + strings.Join(checksum.Names(), ", ") + `.`,
		Example: `  envseal hash release.tar.gz > SHA256SUMS
  envseal hash -c SHA256SUMS
  sha256sum -c SHA256SUMS

  # BSD format, another algorithm, from a pipe
  curl -sL https://example.com/file | envseal hash -a blake2b-512 --tag`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return hashRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Algorithm, "algorithm", "a", checksum.Default().Name, "digest `ALGORITHM`: "+strings.Join(checksum.Names(), ", "))
	cmd.Flags().BoolVar(&opts.Tag, "tag", false, "print BSD-style lines: ALGORITHM (FILE) = HEX")
	cmd.Flags().StringVarP(&opts.Check, "check", "c", "", "check the digests listed in `SUMS` (- for standard input)")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "with -c, fail on improperly formatted lines")
	return cmd
}

func hashRun(ctx context.Context, opts *HashOptions) error {
	alg, err := checksum.Lookup(opts.Algorithm)
	if err != nil {
		return &UsageError{Err: err, Hint: "pass -a with one of: " + strings.Join(checksum.Names(), ", ")}
	}
	if opts.Check != "" {
		if len(opts.Files) > 0 || opts.Tag {
			return usageErrorf("the list names the files: envseal hash -c SUMS", "-c takes no FILE arguments and no --tag")
		}
		return hashCheck(ctx, opts, alg)
	}
	if opts.Strict {
		return usageErrorf("use it with -c SUMS", "--strict applies only to -c")
	}
	files := opts.Files
	if len(files) == 0 {
		files = []string{"-"}
	}
	if len(files) == 1 {
		return hashPrint(ctx, opts, alg, files[0])
	}
	return hashPrintAll(ctx, opts, alg, files)
}

// hashPrintAll hashes every file, going on past one it cannot read as
// sha256sum does, and fails at the end if any could not be read.
func hashPrintAll(ctx context.Context, opts *HashOptions, alg *checksum.Algorithm, files []string) error {
	failed := 0
	for _, name := range files {
		err := hashPrint(ctx, opts, alg, name)
		if errors.Is(err, ErrInterrupted) {
			return err
		}
		if err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "envseal: warning: %s\n", fileError(name, err))
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("could not read %d of %d files", failed, len(files))
	}
	return nil
}

func hashPrint(ctx context.Context, opts *HashOptions, alg *checksum.Algorithm, name string) error {
	sum, err := hashFile(ctx, opts.IO, alg, name)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, checksum.Format(alg, sum, name, opts.Tag))
	return err
}

// hashFile returns the digest of the named file, or of stdin for "-".
func hashFile(ctx context.Context, ios *IOStreams, alg *checksum.Algorithm, name string) ([]byte, error) {
	in, err := openInput(ios, name)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	pr := withProgress(ios, ctxReader{ctx, in}, in.size(), "hashing")
	sum, err := checksum.Sum(alg.New(), pr)
	pr.Finish()
	if err != nil && !errors.Is(err, ErrInterrupted) {
		return nil, fmt.Errorf("failed to read %s: %w", in.name, err)
	}
	return sum, err
}

// fileError says what went wrong with one file in a list, in the short
// "NAME: reason" form coreutils uses there.
func fileError(name string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return checksum.QuoteName(name) + ": " + pe.Err.Error()
	}
	return err.Error()
}
