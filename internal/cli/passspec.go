package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/envseal/envseal/internal/legacy"
)

// readPassphrase resolves a --pass SPEC as openssl's -pass does, so a
// runbook's argument can be copied as is:
//
//	pass:TEXT   the passphrase itself
//	env:VAR     the value of $VAR
//	file:PATH   the first line of PATH (see legacy.FirstLine)
//	fd:N        the first line read from file descriptor N
//	stdin       the first line of standard input
//
// plus kms:PATH: PATH holds a raw KMS CiphertextBlob (the pipeline's
// encrypted-datakey); KMS decrypts it, pinned to the key passKey names if
// set, and the data key is used the way `-pass file:datakey` used the
// plaintext key file, first line only.
//
// The spec itself is never echoed: it may be the passphrase.
func readPassphrase(ctx context.Context, ios *IOStreams, spec, passKey, input string) ([]byte, error) {
	kind, arg, ok := strings.Cut(spec, ":")
	switch {
	case passKey != "" && kind != "kms":
		return nil, usageErrorf("drop --pass-key", "--pass-key applies to --pass kms: only")
	case spec == "stdin":
		return stdinPassphrase(ios, input)
	case !ok:
	case kind == "pass":
		return []byte(arg), nil
	case kind == "env":
		v, ok := os.LookupEnv(arg)
		if !ok {
			return nil, usageErrorf("export it, or pass another --pass", "--pass env:%s: the variable is not set", arg)
		}
		return []byte(v), nil
	case kind == "file":
		return filePassphrase(arg)
	case kind == "fd":
		return fdPassphrase(ios, arg, input)
	case kind == "kms":
		return kmsPassphrase(ctx, ios, arg, passKey)
	}
	return nil, usageErrorf("--pass takes pass:TEXT, env:VAR, file:PATH, fd:N, stdin or kms:PATH, as openssl -pass does",
		"invalid --pass: unknown passphrase source")
}

func filePassphrase(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read --pass file: %w", err)
	}
	defer f.Close()
	return firstLine(f, "--pass file:"+path)
}

func fdPassphrase(ios *IOStreams, arg, input string) ([]byte, error) {
	fd, err := strconv.Atoi(arg)
	if err != nil || fd < 0 {
		return nil, usageErrorf("", "invalid --pass fd:%s: not a file descriptor number", arg)
	}
	if fd == 0 {
		return stdinPassphrase(ios, input)
	}
	f, err := openFD(fd)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return firstLine(f, "--pass fd:"+arg)
}

func stdinPassphrase(ios *IOStreams, input string) ([]byte, error) {
	if input == "" || input == "-" {
		return nil, usageErrorf("name the input file, or take the passphrase from env:, file: or fd:",
			"--pass reads standard input, which is also the input")
	}
	return firstLine(ios.In, "--pass stdin")
}

// firstLine reads one line the way openssl's BIO_gets does: byte by byte,
// so that nothing past the line is consumed from a shared descriptor.
func firstLine(r io.Reader, what string) ([]byte, error) {
	var line []byte
	b := make([]byte, 1)
	for len(line) < 1023 && !bytes.HasSuffix(line, []byte("\n")) {
		n, err := r.Read(b)
		line = append(line, b[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read %s: %w", what, err)
		}
	}
	defer clear(line)
	p, err := legacy.FirstLine(line)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return bytes.Clone(p), nil
}
