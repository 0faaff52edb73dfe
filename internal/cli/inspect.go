package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/envseal/envseal/pkg/envseal"
	"github.com/spf13/cobra"
)

// InspectOptions are the parsed flags of envseal inspect.
type InspectOptions struct {
	IO    *IOStreams
	JSON  bool
	Input string
}

// NewCmdInspect builds envseal inspect. runF replaces the run function in tests.
func NewCmdInspect(ios *IOStreams, runF func(context.Context, *InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "inspect [--json] [IN|-]",
		Short: "Show what an envelope file holds, without a key",
		Long: `Show an envelope file's format version, encryption context, recipients
(backend, key id, wrapped key size), chunk count and sizes, and whether its
length is one a valid file can have. Needs no key and prints no secret; the
contents are not authenticated until the file is opened.

--json prints a stable object; its fields are documented in docs/cli.md.`,
		Example: `  envseal inspect secrets.env.sealed
  envseal inspect --json secrets.env.sealed | jq -r '.recipients[].key_id'`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return inspectRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON instead of a table")
	return cmd
}

func inspectRun(_ context.Context, opts *InspectOptions) error {
	in, err := openInput(opts.IO, opts.Input)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := envseal.Inspect(in)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	printInspection(opts.IO.Out, info)
	return nil
}

func printInspection(w io.Writer, info *envseal.Info) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	armored := ""
	if info.Armored {
		armored = " (armored)"
	}
	fmt.Fprintf(tw, "format:\tenvseal v%d%s\n", info.FormatVersion, armored)
	fmt.Fprintf(tw, "algorithm:\t%s (AES-256-GCM, 16 KiB chunks, key commitment)\n", info.Algorithm)
	fmt.Fprintf(tw, "context:\t%s\n", contextString(info.Context))
	for i, r := range info.Recipients {
		fmt.Fprintf(tw, "recipient %d:\t%s %s (%d-byte wrapped key)\n", i+1, displayString(r.Type), displayString(r.KeyID), r.WrappedKeyBytes)
	}
	printSigner(tw, info.Signer)
	fmt.Fprintf(tw, "header:\t%d bytes\n", info.HeaderBytes)
	fmt.Fprintf(tw, "payload:\t%d bytes\n", info.PayloadBytes)
	if info.LengthConsistent {
		fmt.Fprintf(tw, "plaintext:\t%d bytes in %s\n", info.PlaintextBytes, plural(int(info.Chunks), "chunk", "chunks"))
		fmt.Fprintf(tw, "length:\tconsistent (not authenticated until opened)\n")
	} else {
		fmt.Fprintf(tw, "length:\tINCONSISTENT: the payload is truncated or has extra bytes\n")
	}
	tw.Flush()
}

// printSigner describes a signed file's signer block: who the file claims
// signed it. inspect reads no signature, so it is marked unverified.
func printSigner(w io.Writer, s *envseal.SignerInfo) {
	if s == nil {
		return // unsigned: inspect prints what it always has
	}
	fmt.Fprintf(w, "signed:\tyes, UNVERIFIED (open checks the signature; --signer or --signer-ca checks the signer)\n")
	fmt.Fprintf(w, "signer key:\t%s %s (%d-byte signature)\n", s.Algorithm, s.KeyFingerprint, s.SignatureBytes)
	for i, c := range s.Certificates {
		label := "signer cert:"
		if i > 0 {
			label = fmt.Sprintf("intermediate %d:", i)
		}
		fmt.Fprintf(w, "%s\t%s, issuer %s, valid %s to %s\n", label, displayString(c.Subject), displayString(c.Issuer),
			c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"))
		if len(c.Names) > 0 {
			fmt.Fprintf(w, "\tnames: %s\n", displayString(strings.Join(c.Names, ", ")))
		}
	}
}
