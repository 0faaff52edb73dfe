package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/spf13/cobra"
)

// CheckOptions are the parsed flags of envseal check.
type CheckOptions struct {
	IO         *IOStreams
	Recipients []string
	Context    []string
	Files      []string
}

// NewCmdCheck builds envseal check. runF replaces the run function in tests.
func NewCmdCheck(ios *IOStreams, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "check [--recipient KEY-ID]... [--context k=v]... FILE...",
		Short: "Check that files are sealed, for whom and with which context, without a key",
		Long: `Exit 0 only if every FILE is a whole envseal envelope (armored or not). With
--recipient, its recipients must be exactly the KEY-IDs given (as 'envseal
inspect' shows them): none missing, none other. With --context, each pair
must be in its context with that value (other pairs are allowed, as open
--context allows them). No key is needed and nothing is decrypted: this is
what a pre-commit hook or a CI lint step runs to stop plaintext, or a file
sealed for the wrong keys, from being committed.

Without a key the payload cannot be authenticated: check reads its
structure. It refuses a payload whose length no sealed file has, and one
holding a run of 32 or more text bytes with a line break in it (plaintext
appended to a sealed file, or a header followed by plaintext), which
ciphertext holds less than once in 10^13 bytes. Shorter text, or bytes
changed in place, pass: only open proves a file decrypts.

Each failing FILE gets one line on standard output, "FILE: reason"; then
the exit status is 1. 2 is for usage errors.`,
		Example: `  envseal check secrets.env.sealed db.sql.sealed

  # sealed for exactly these keys, for production
  envseal check --recipient arn:aws:kms:us-east-1:111122223333:key/0b2ba0b4-6f7c-4a3e-9d1f-3c5e2a7d8f10 --context env=prod db.sql.sealed`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("name the files to check: envseal check FILE...", "check needs at least one file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Recipients, "recipient", nil, "the files' recipients must be exactly these `KEY-ID`s (repeatable)")
	f.StringArrayVarP(&opts.Context, "context", "c", nil, "require encryption context `key=value` (repeatable)")
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	required, err := parseContext(opts.Context)
	if err != nil {
		return err
	}
	failed := 0
	for _, path := range opts.Files {
		if ctx.Err() != nil {
			return interruption(ctx)
		}
		if reason := checkEnvelope(path, opts.Recipients, required); reason != "" {
			failed++
			fmt.Fprintf(opts.IO.Out, "%s: %s\n", displayString(path), oneLine(reason))
		}
	}
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d files failed the check", failed, len(opts.Files))}
	}
	return nil
}

// checkEnvelope returns why path is not an envelope with those recipients and
// that context, or "".
func checkEnvelope(path string, recipients []string, required map[string]string) string {
	f, err := openNoBlock(path)
	if err != nil {
		return fmt.Sprintf("failed to open: %v", errors.Unwrap(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return "a directory, not a file"
	} else if err == nil && !fi.Mode().IsRegular() {
		return "not a regular file"
	}
	info, err := envseal.Inspect(f)
	switch {
	case errors.Is(err, envelope.ErrNotEnvelope):
		return "not an envseal file (plaintext?): seal it with envseal seal"
	case errors.Is(err, envelope.ErrLegacyOpenSSL):
		return "an openssl enc file, not an envseal file: envseal migrate converts it"
	case err != nil:
		return err.Error()
	case !info.LengthConsistent:
		return "the payload is truncated or has bytes after its end"
	}
	if !info.Armored {
		// An armored file is base64 to its footer, and armor refuses
		// anything after it; a binary one is checked for text.
		if _, err := f.Seek(int64(info.HeaderBytes), io.SeekStart); err != nil {
			return fmt.Sprintf("failed to read: %v", errors.Unwrap(err))
		}
		switch at, err := textRun(f); {
		case err != nil:
			return fmt.Sprintf("failed to read: %v", errors.Unwrap(err))
		case at >= 0:
			return fmt.Sprintf("text in the payload at byte %d (plaintext appended, or never encrypted?): seal the plaintext again", int64(info.HeaderBytes)+at)
		}
	}
	var reasons []string
	if len(recipients) > 0 {
		var have []string
		for _, r := range info.Recipients {
			have = append(have, r.KeyID)
			if !slices.Contains(recipients, r.KeyID) {
				reasons = append(reasons, fmt.Sprintf("sealed for %s, not one of the --recipient keys", displayString(r.KeyID)))
			}
		}
		for _, r := range recipients {
			if !slices.Contains(have, r) {
				reasons = append(reasons, fmt.Sprintf("not sealed for %s", displayString(r)))
			}
		}
	}
	for _, k := range sortedKeys(required) {
		got, ok := info.Context[k]
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("context %q is not in the file", k))
		case got != required[k]:
			reasons = append(reasons, fmt.Sprintf("context %q is %q, not %q", k, got, required[k]))
		}
	}
	return strings.Join(reasons, "; ")
}

// minTextRun is the shortest run of text bytes (printable ASCII, tab, CR,
// LF) with a line break in it that check takes for plaintext in a
// payload. The payload is AES-GCM output, indistinguishable from random
// bytes, of which 98 in 256 are text: a given 32 bytes are all text with
// probability (98/256)^32 ~ 4.6e-14, and hold a line break too about 28%
// of those times, ~1.3e-14. Summed over every position, a false alarm is
// ~1e-10 for a 10 KB file and ~1.4e-5 for a 1 GiB one (sealing again
// makes new ciphertext). A payload length check alone passes ~99.9% of
// appended tails: a dotenv line or two appended to a sealed file (cat
// >>, an editor saving over it) is text with line breaks, and at least
// 32 bytes for any real credential.
const minTextRun = 32

// textRun returns the offset in r of the first run of at least minTextRun
// text bytes that holds a line break, or -1.
func textRun(r io.Reader) (int64, error) {
	buf := make([]byte, 64<<10)
	var off, start int64
	run, newline := 0, false
	for {
		n, err := r.Read(buf)
		for i, b := range buf[:n] {
			if b == '\t' || b == '\n' || b == '\r' || b >= 0x20 && b < 0x7f {
				if run == 0 {
					start = off + int64(i)
				}
				run++
				newline = newline || b == '\n'
				if run >= minTextRun && newline {
					return start, nil
				}
			} else {
				run, newline = 0, false
			}
		}
		off += int64(n)
		if err == io.EOF {
			return -1, nil
		}
		if err != nil {
			return -1, err
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
