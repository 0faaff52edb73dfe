package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// RewrapOptions are the parsed flags of envseal rewrap.
type RewrapOptions struct {
	IO      *IOStreams
	Keys    []string
	Add     []string
	Remove  []string
	Output  string
	InPlace bool
	Force   bool
	Input   string

	// A signed file's stanzas are signed: SignWith re-signs it with its
	// signer's key, DropSignature makes it unsigned (re-encrypting it).
	SignWith      string
	DropSignature bool

	// Bulk rotation (rewrapmany.go): several files and directories, in
	// place.
	Inputs []string
	DryRun bool
	JSON   bool
	Batch  BatchOptions

	// AllowAbsent accepts a --remove id that no file has (a rerun).
	AllowAbsent bool
}

// NewCmdRewrap builds envseal rewrap. runF replaces the run function in tests.
func NewCmdRewrap(ios *IOStreams, runF func(context.Context, *RewrapOptions) error) *cobra.Command {
	opts := &RewrapOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "rewrap [--key URI]... [--add URI]... [--remove KEY-ID]... (-o OUT | --in-place) IN | --in-place [--dry-run] [--json] PATH...",
		Short: "Change who can open a file without re-encrypting it",
		Long: `Unwrap IN's data key with one of the --key keys, then write the file again with
the recipients changed: --add wraps the same data key for a new key, --remove
drops the stanzas whose key id is KEY-ID (as 'envseal inspect' shows it).
The header gets a new MAC; the payload bytes are copied unchanged, so this
is fast for any file size and the data is never decrypted. From a KMS
stanza to another KMS key, the new stanza is made with KMS ReEncrypt, so
the data key is not sent back to KMS (if ReEncrypt is denied, Encrypt).

--in-place replaces IN atomically (temp file, fsync, rename): a failure or
crash leaves the original as it was. Armored input stays armored.

A signed file is refused unless --sign-with URI, its signer's own key,
signs the new file again (the payload bytes are kept, and read to be
hashed), or --drop-signature makes it unsigned (the payload is decrypted
and encrypted again: an unsigned file derives its payload key
differently). Either way the old signature must verify before the output
appears.

Bulk rotation: with --in-place, several PATHs, or a directory, rewrap every
file named and every *.sealed file under each directory, --jobs files at
a time, each replaced atomically, one line per file on standard error
(--json: one JSON record per file on standard output). Symbolic links
inside a directory are not followed: a link is skipped with a note. A file
already at the target, that is, with a stanza for every --add key and none
with a --remove key id, is skipped without a KMS call, so a rerun after an
interrupted run finishes the job; a file that has some --add keys gets only
the missing ones. A --remove key id that no file of the run has fails the
run (exit 1), a typo must not pass for a revocation: a rerun after a
completed one, where every file already lacks it, passes --allow-absent.
--dry-run writes nothing and says what would change
(it still unwraps each file's data key, to check that the run would
succeed). The exit status is 0 only if every file was rewrapped or
skipped.`,
		Example: `  # rotate from one KMS key to another: --remove takes the key id inspect shows
  envseal rewrap --key awskms:///alias/Demo --add awskms:///alias/app-2027 \
      --remove arn:aws:kms:us-east-1:111122223333:key/0b2ba0b4-6f7c-4a3e-9d1f-3c5e2a7d8f10 --in-place db.sql.sealed

  # add a break-glass key, keeping the others
  envseal rewrap --key file:team.key --add file:breakglass.key --in-place secrets.env.sealed

  # rotate a whole tree: look first, then run; a rerun skips what is done
  envseal rewrap -k file:team.key --add file:breakglass.key --in-place --dry-run sealed/
  envseal rewrap -k file:team.key --add file:breakglass.key --in-place --json sealed/ > rotation.jsonl

  # in a pipeline: IN and OUT can be - (standard input and output)
  envseal rewrap --key file:team.key --add file:breakglass.key -o - - < secrets.env.sealed > secrets.env.sealed.new`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			opts.Inputs = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return rewrapRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` that opens the file now (repeatable; default $ENVSEAL_KEY)")
	f.StringArrayVar(&opts.Add, "add", nil, "add a recipient `URI` (repeatable)")
	f.StringArrayVar(&opts.Remove, "remove", nil, "remove the recipients with this `KEY-ID` (repeatable)")
	f.StringVarP(&opts.Output, "output", "o", "", "write to `FILE` (- for standard output)")
	f.BoolVar(&opts.InPlace, "in-place", false, "replace IN atomically")
	f.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	f.BoolVar(&opts.DryRun, "dry-run", false, "with --in-place, change nothing: say what would change")
	f.BoolVar(&opts.JSON, "json", false, "with --in-place, print one JSON record per file")
	f.StringVar(&opts.SignWith, "sign-with", "", "re-sign a signed file with its signer's key `URI`")
	f.BoolVar(&opts.DropSignature, "drop-signature", false, "make a signed file unsigned (re-encrypts its payload)")
	f.BoolVar(&opts.AllowAbsent, "allow-absent", false, "with --in-place, accept a --remove key id that no file has (a rerun of a finished revocation)")
	addBatchFlags(cmd, &opts.Batch)
	return cmd
}

func rewrapRun(ctx context.Context, opts *RewrapOptions) error {
	if err := checkRewrapFlags(opts); err != nil {
		return err
	}
	if opts.bulk() {
		return rewrapMany(ctx, opts)
	}
	uris := keyURIs(opts.Keys)
	if len(uris) == 0 {
		return errNoKey("rewrap")
	}
	popts := providerOptions(opts.IO)
	ids, err := openUnwrappers(ctx, uris, popts)
	if err != nil {
		return err
	}
	adders, err := openWrappers(ctx, opts.Add, popts)
	if err != nil {
		return err
	}
	var signer crypto.Signer
	if opts.SignWith != "" {
		if signer, err = openSigner(ctx, opts.IO, opts.SignWith); err != nil {
			return err
		}
	}
	in, out, force := opts.Input, opts.Output, opts.Force
	if opts.InPlace {
		in = inPlaceTarget(in)
		if err := checkSingleLink(in, ""); err != nil {
			return err
		}
		l, err := lockInPlace(in)
		if err != nil {
			return err
		}
		defer l.Close()
		out, force = in, true
	}
	return rewriteFile(ctx, opts.IO, in, out, force, func(h *envelope.Header, prefix []byte) (*envelope.Header, error) {
		if err := checkResign(h, in, opts); err != nil {
			return nil, err
		}
		return rewrapHeader(ctx, h, prefix, ids, adders, opts.Remove, popts, signer, opts.DropSignature)
	})
}

// checkResign refuses --sign-with and --drop-signature where they mean
// nothing (an unsigned file) and a signing key that is not the file's
// signer, before any key is used.
func checkResign(h *envelope.Header, in string, opts *RewrapOptions) error {
	switch {
	case h.Signer == nil && (opts.SignWith != "" || opts.DropSignature):
		return usageErrorf("drop --sign-with and --drop-signature, or sign it by re-sealing with seal --sign-with",
			"%s is not signed: --sign-with and --drop-signature apply to signed files", displayString(in))
	}
	return nil
}

func checkRewrapFlags(opts *RewrapOptions) error {
	switch {
	case len(opts.Add) == 0 && len(opts.Remove) == 0:
		return usageErrorf("pass --add URI and/or --remove KEY-ID", "rewrap has nothing to change")
	case opts.SignWith != "" && opts.DropSignature:
		return usageErrorf("re-sign with --sign-with, or make the file unsigned with --drop-signature", "--sign-with and --drop-signature cannot be combined")
	case opts.bulk() && (opts.SignWith != "" || opts.DropSignature):
		return usageErrorf("rewrap signed files one at a time", "--sign-with and --drop-signature take one file, not a bulk rotation")
	case opts.bulk():
		return checkBulkFlags(opts)
	case opts.InPlace && opts.Output != "":
		return usageErrorf("use one of them", "--in-place and -o cannot be combined")
	case !opts.InPlace && opts.Output == "":
		return usageErrorf("pass -o FILE or --in-place", "rewrap needs an output")
	case opts.Input == "-" && opts.InPlace:
		return usageErrorf("", "--in-place needs a file, not standard input")
	case opts.Output == "-" && opts.IO.StdoutTTY:
		return usageErrorf("redirect the output, or pass -o FILE", "refusing to write an envelope to a terminal")
	}
	return nil
}

// rewrapHeader is envseal.RewrapHeader with the command's messages: a
// failure the backend classifies as a fallback (keyprovider.RewrapFallback:
// for KMS, ReEncrypt access denied or key not found) wraps with Wrap
// instead, after the backend's warning, because what seal could do rewrap
// must not refuse.
func rewrapHeader(ctx context.Context, h *envelope.Header, prefix []byte, ids []keyprovider.Unwrapper,
	adders []keyprovider.Wrapper, remove []string, popts *keyprovider.Options, signer crypto.Signer, drop bool) (*envelope.Header, error) {
	nh, err := envseal.RewrapHeader(ctx, h, prefix, ids, &envseal.RewrapOptions{
		Add:           adders,
		Remove:        remove,
		Signer:        signer,
		DropSignature: drop,
		FallBack: func(err error) bool {
			warning := keyprovider.RewrapFallback(err)
			if warning != "" {
				popts.Warnf("%s", warning)
			}
			return warning != ""
		},
	})
	var unknown *envseal.UnknownKeyIDError
	switch {
	case errors.As(err, &unknown):
		return nil, withHint(err, "envseal inspect FILE lists the key ids")
	case errors.Is(err, envseal.ErrNoRecipients):
		return nil, usageErrorf("add a recipient with --add", "%v", err)
	case errors.Is(err, envelope.ErrSigned):
		return nil, withHint(err, "rewrap it on its own with --sign-with URI, the file's signing key ("+envseal.KeyFingerprint(h.Signer.PublicKey)+"), to re-sign it, or --drop-signature to make it unsigned")
	case errors.Is(err, envelope.ErrNotSigner):
		return nil, withHint(fmt.Errorf("--sign-with: %w, %s", err, envseal.KeyFingerprint(h.Signer.PublicKey)),
			"a file keeps its signer when it is rewrapped; to sign it with another key, re-seal it")
	}
	return nh, err
}

// rewriteFile writes a new header from edit, then the original payload
// bytes, through an atomic output file, or to standard output for "-".
// edit gets the payload's first bytes (salt and key commitment) to check;
// when it returns no header and no error, nothing is written. Armor is
// kept as it was.
func rewriteFile(ctx context.Context, ios *IOStreams, inPath, outPath string, force bool,
	edit func(h *envelope.Header, prefix []byte) (*envelope.Header, error)) error {
	in, err := openInput(ios, inPath)
	if err != nil {
		return err
	}
	defer in.Close()
	br := bufio.NewReaderSize(ctxReader{ctx, in}, 64<<10)
	armored := armor.IsArmored(br)
	var src io.Reader = br
	if armored {
		src = bufio.NewReaderSize(armor.NewReader(br), 64<<10)
	}
	h, err := envelope.Parse(src)
	if err != nil {
		return err
	}
	prefix, err := readPrefix(src)
	if err != nil {
		return err
	}
	nh, err := edit(h, prefix)
	if err != nil || nh == nil {
		return err // nil, nil: leave the file as it is
	}
	hdr, err := nh.Marshal()
	if err != nil {
		return err
	}
	out, err := openOutput(ios, outPath, force, in.mode(0o644))
	if err != nil {
		return err
	}
	payload := io.MultiReader(bytes.NewReader(prefix), src)
	if err := writeEnvelope(out, nh, hdr, payload, armored); err != nil {
		out.abort()
		return err
	}
	return out.commit()
}

// readPrefix reads the payload's salt and key commitment.
func readPrefix(src io.Reader) ([]byte, error) {
	prefix := make([]byte, envelope.PayloadPrefixSize)
	if _, err := io.ReadFull(src, prefix); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, stream.ErrTruncated
		}
		return nil, err
	}
	return prefix, nil
}

// writeEnvelope writes hdr, h encoded, and the payload that follows it:
// the old payload's bytes, or for a rewrapped signed file what
// h.WritePayload makes of them.
func writeEnvelope(dst io.Writer, h *envelope.Header, hdr []byte, payload io.Reader, armored bool) error {
	var aw *armor.Writer
	if armored {
		aw = armor.NewWriter(dst)
		dst = aw
	}
	if _, err := dst.Write(hdr); err != nil {
		return err
	}
	if err := h.WritePayload(dst, payload); err != nil {
		return err
	}
	if aw != nil {
		return aw.Close()
	}
	return nil
}
