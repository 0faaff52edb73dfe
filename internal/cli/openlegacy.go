package cli

import (
	"context"
	"io"

	"github.com/envseal/envseal/internal/legacy"
)

// openLegacyRun is open --legacy-openssl: decrypt an `openssl enc` file
// with a passphrase. The output rules are open's: -o appears only when
// the whole file decrypted and its padding checked out.
func openLegacyRun(ctx context.Context, opts *OpenOptions) error {
	if err := checkLegacyOpen(opts); err != nil {
		return err
	}
	kdf, err := opts.Legacy.kdf()
	if err != nil {
		return err
	}
	pass, err := opts.Legacy.passphrase(ctx, opts.IO, opts.Input)
	if err != nil {
		return err
	}
	defer clear(pass)
	toTerminal := opts.toTerminal()
	return transform(ctx, opts.IO, transformOptions{Verb: "opening", Input: opts.Input, Output: opts.Output, Force: opts.Force, Mode: 0o600}, func(in io.Reader, out io.Writer) error {
		r, err := legacy.NewReader(in, pass, kdf)
		if err != nil {
			return err
		}
		return release(out, r, toTerminal)
	})
}

// checkLegacyOpen refuses open flags that mean nothing for a legacy file.
func checkLegacyOpen(opts *OpenOptions) error {
	switch {
	case !opts.LegacyOpenSSL:
		return usageErrorf("add --legacy-openssl to open an openssl enc file", "--pass, --iter, --pbkdf2 and --md need --legacy-openssl")
	case len(opts.Keys) > 0 || opts.Discovery || len(opts.AllowKeys) > 0:
		return usageErrorf("the passphrase is the key: pass --pass SPEC", "--legacy-openssl takes no --key")
	case len(opts.Context) > 0:
		return usageErrorf("", "openssl enc files have no encryption context: --context does not apply")
	case len(opts.Inputs) > 1:
		return usageErrorf("open one file at a time, or re-seal them with envseal migrate", "--legacy-openssl opens one file")
	}
	return nil
}
