package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// checkRange refuses --offset/--length where there is no random access:
// a batch, an openssl enc file (CBC, read whole), standard input.
func checkRange(opts *OpenOptions) error {
	switch {
	case opts.LegacyOpenSSL || opts.Legacy.set():
		return usageErrorf("", "--offset and --length do not apply to --legacy-openssl files")
	case len(opts.Inputs) > 1 || (opts.Output != "" && isDir(opts.Output)):
		return usageErrorf("name one input and an output file", "--offset and --length open one file, not a batch")
	case opts.Input == "" || opts.Input == "-":
		return usageErrorf("save the sealed file, then open a range of it",
			"--offset and --length need a file, not standard input")
	}
	return nil
}

// openRange decrypts only the requested range of a sealed file. It reads
// the header, the final chunk (which authenticates the plaintext size) and
// the chunks that cover the range, and authenticates each; the rest of the
// file is not read, so a damaged chunk elsewhere goes unnoticed.
func openRange(ctx context.Context, opts *OpenOptions, ids []keyprovider.Unwrapper, required map[string]string) error {
	return withInputOutput(opts.IO, transformOptions{Input: opts.Input, Output: opts.Output, Force: opts.Force, Mode: 0o600}, func(in *input, out io.Writer) error {
		size := in.size()
		if size < 0 {
			return fmt.Errorf("--offset and --length need a regular file: %s is not one", in.name)
		}
		src := ctxReaderAt{ctx, in.file}
		if armor.IsArmoredAt(src, size) {
			return withHint(fmt.Errorf("%s is armored: --offset and --length need the binary form", in.name),
				"envseal open without --offset/--length reads armored files")
		}
		h, ra, plainSize, err := envelope.DecryptAtWith(ctx, src, size, ids, openOptions(ctx, required))
		if err != nil {
			return err
		}
		if note := signerNote(ctx, h); note != nil {
			note() // DecryptAtWith verified the signature already
		}
		off, n, err := plaintextRange(plainSize, opts.Offset, opts.Length)
		if err != nil {
			return err
		}
		// 1 MiB reads: each decrypts whole 16 KiB chunks, at most one more
		// than the data it returns.
		r := bufio.NewReaderSize(io.NewSectionReader(ra, off, n), 1<<20)
		return release(out, r, opts.toTerminal())
	})
}

// plaintextRange resolves --offset (negative: from the end, as tail -c)
// and --length (unset: to the end; past the end: up to it, as head -c)
// against the plaintext size.
func plaintextRange(size, offset, length int64) (int64, int64, error) {
	if offset < 0 {
		offset = max(size+offset, 0)
	}
	if offset > size {
		return 0, 0, fmt.Errorf("--offset %d is past the end of the plaintext (%d bytes)", offset, size)
	}
	if length < 0 || length > size-offset {
		length = size - offset
	}
	return offset, length, nil
}

// ctxReaderAt is ctxReader for random access: reads stop once ctx is done.
type ctxReaderAt struct {
	ctx context.Context
	r   io.ReaderAt
}

func (c ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if c.ctx.Err() != nil {
		return 0, interruption(c.ctx)
	}
	return c.r.ReadAt(p, off)
}
