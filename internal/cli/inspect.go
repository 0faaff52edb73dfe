package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
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

// algorithmV1 names format v1's payload algorithm in inspect's output:
// c2sp.org/chunked-encryption v1, SHA-256, AEAD_AES_256_GCM, 16 KiB chunks.
const algorithmV1 = "chunked-v1-sha256-aes256gcm"

// Inspection is what inspect reports; its JSON form is a stable interface.
type Inspection struct {
	FormatVersion    int               `json:"format_version"`
	Algorithm        string            `json:"algorithm"`
	Armored          bool              `json:"armored"`
	Context          map[string]string `json:"context"`
	Recipients       []Recipient       `json:"recipients"`
	HeaderBytes      int64             `json:"header_bytes"`
	PayloadBytes     int64             `json:"payload_bytes"`
	Chunks           int64             `json:"chunks"`
	PlaintextBytes   int64             `json:"plaintext_bytes"`
	LengthConsistent bool              `json:"length_consistent"`
}

// Recipient describes one stanza.
type Recipient struct {
	Type            string `json:"type"`
	KeyID           string `json:"key_id"`
	WrappedKeyBytes int    `json:"wrapped_key_bytes"`
}

func inspectRun(_ context.Context, opts *InspectOptions) error {
	in, err := openInput(opts.IO, opts.Input)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := inspect(in)
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

// inspect parses the header and counts the payload by reading it: the
// only way to size a pipe or an armored file, and cheap next to decrypting.
func inspect(in io.Reader) (*Inspection, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	info := &Inspection{Armored: armor.IsArmored(br)}
	var src io.Reader = br
	if info.Armored {
		src = bufio.NewReaderSize(armor.NewReader(br), 64<<10)
	}
	h, err := envelope.Parse(src)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(io.Discard, src)
	if err != nil {
		return nil, fmt.Errorf("failed to read payload: %w", err)
	}
	info.FormatVersion = envelope.Version
	info.Algorithm = algorithmV1
	info.Context = h.Context
	info.HeaderBytes, info.PayloadBytes = h.Size(), n
	for _, s := range h.Stanzas {
		info.Recipients = append(info.Recipients, Recipient{Type: s.Type, KeyID: s.KeyID, WrappedKeyBytes: len(s.Body)})
	}
	if pt, err := stream.PlaintextSize(n); err == nil {
		info.PlaintextBytes, info.Chunks, info.LengthConsistent = pt, pt/stream.ChunkSize+1, true
	}
	return info, nil
}

func printInspection(w io.Writer, info *Inspection) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	armored := ""
	if info.Armored {
		armored = " (armored)"
	}
	fmt.Fprintf(tw, "format:\tenvseal v%d%s\n", info.FormatVersion, armored)
	fmt.Fprintf(tw, "algorithm:\t%s (AES-256-GCM, 16 KiB chunks, key commitment)\n", info.Algorithm)
	fmt.Fprintf(tw, "context:\t%s\n", contextString(info.Context))
	for i, r := range info.Recipients {
		fmt.Fprintf(tw, "recipient %d:\t%s %s (%d-byte wrapped key)\n", i+1, r.Type, r.KeyID, r.WrappedKeyBytes)
	}
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
