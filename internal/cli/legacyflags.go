package cli

import (
	"context"
	"strings"

	"github.com/envseal/envseal/internal/legacy"
	"github.com/spf13/cobra"
)

// LegacyOptions are the flags that read an `openssl enc` file: the
// passphrase source and the KDF settings openssl was run with.
type LegacyOptions struct {
	Pass    string
	PassKey string
	Iter    int
	PBKDF2  bool
	MD      string
}

func addLegacyFlags(cmd *cobra.Command, o *LegacyOptions) {
	f := cmd.Flags()
	f.StringVar(&o.Pass, "pass", "", "passphrase source `SPEC`: pass:TEXT, env:VAR, file:PATH, fd:N, stdin, or kms:BLOB (as openssl -pass)")
	f.StringVar(&o.PassKey, "pass-key", "", "AWS KMS key `URI` that must decrypt the --pass kms: blob (without it, the key the blob names)")
	f.IntVar(&o.Iter, "iter", 0, "PBKDF2 iteration count `N`, as given to openssl -iter (implies --pbkdf2)")
	f.BoolVar(&o.PBKDF2, "pbkdf2", false, "the file was made with openssl -pbkdf2 (10000 iterations unless --iter)")
	f.StringVar(&o.MD, "md", "", "`MD` digest openssl used (-md): "+strings.Join(legacy.Digests(), ", ")+" (default sha256; OpenSSL 1.0 used md5)")
}

func (o *LegacyOptions) set() bool {
	return o.Pass != "" || o.PassKey != "" || o.Iter != 0 || o.PBKDF2 || o.MD != ""
}

// kdf turns the flags into legacy.KDF as openssl would: -iter implies
// -pbkdf2, -pbkdf2 alone means 10000 iterations, neither means the old
// EVP_BytesToKey.
func (o *LegacyOptions) kdf() (legacy.KDF, error) {
	if o.Pass == "" {
		return legacy.KDF{}, usageErrorf("pass --pass SPEC; for files of the aws kms + openssl demo: --pass 'pass:file:///./datakey' --iter 1000",
			"reading an openssl enc file needs --pass")
	}
	if o.Iter < 0 {
		return legacy.KDF{}, usageErrorf("", "--iter %d is negative", o.Iter)
	}
	k := legacy.KDF{Iter: o.Iter, Digest: strings.ToLower(o.MD)}
	if o.PBKDF2 && k.Iter == 0 {
		k.Iter = legacy.DefaultPBKDF2Iter
	}
	if _, _, err := k.Derive(nil, nil); err != nil {
		return legacy.KDF{}, usageErrorf("--md is one of: "+strings.Join(legacy.Digests(), ", "), "invalid --md: %v", err)
	}
	return k, nil
}

// passphrase reads the --pass passphrase for an openssl enc file (input
// names it in a prompt) and then says, once per run, that a pass:TEXT is
// visible to others and what such a file cannot promise. The caller clears the passphrase.
func (o *LegacyOptions) passphrase(ctx context.Context, ios *IOStreams, input string) ([]byte, error) {
	pass, err := readPassphrase(ctx, ios, o.Pass, o.PassKey, input)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(o.Pass, "pass:") {
		// As for a pkcs11 pin-value: every user can read a command line.
		ios.ErrOut.Write([]byte("envseal: warning: --pass pass:TEXT is visible to other users in the process list; " +
			"prefer env:VAR, file:PATH or fd:N\n"))
	}
	ios.ErrOut.Write([]byte("envseal: warning: openssl enc files are not authenticated: " +
		"their integrity cannot be verified, and a modified file may decrypt without any error\n"))
	return pass, nil
}
