package cli

import (
	"context"
	"io"

	"github.com/envseal/envseal/internal/sign"
	"github.com/spf13/cobra"
)

// SignOptions are the parsed flags of envseal sign.
type SignOptions struct {
	IO     *IOStreams
	Key    string
	Output string
	Force  bool
	Armor  bool
	Input  string
}

// NewCmdSign builds envseal sign. runF replaces the run function in tests.
func NewCmdSign(ios *IOStreams, runF func(context.Context, *SignOptions) error) *cobra.Command {
	opts := &SignOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "sign --key URI [-o SIG] [--armor] [IN|-]",
		Short: "Sign a file with a private key",
		Long: `Sign IN (or standard input) with the private key --key and write the
signature to SIG (or standard output). The key is a private key file
(file:KEY.pem), an AWS KMS key with usage SIGN_VERIFY (awskms:///alias/NAME),
or a private key on a PKCS#11 token (pkcs11:token=T;object=NAME).

The input is streamed through a hash, so files of any size sign in constant
memory, and only the digest reaches the key (AWS KMS signs it with
MessageType=DIGEST; a token with CKM_ECDSA or CKM_RSA_PKCS_PSS). The hash
follows the key: SHA-256 for ECDSA P-256 and RSA, SHA-384 for ECDSA P-384,
SHA-512 for Ed25519.
Signatures are what openssl dgst makes and checks: ASN.1 DER for ECDSA,
RSASSA-PSS (MGF1 with the same hash, salt as long as the hash) for RSA, and
64 raw bytes of Ed25519ph (RFC 8032) for Ed25519. --armor writes the
signature as one line of base64 instead.`,
		Example: `  envseal keygen --type ecdsa-p256 -o release.pem
  envseal sign --key file:release.pem -o app.tar.gz.sig app.tar.gz
  openssl dgst -sha256 -verify release.pub.pem -signature app.tar.gz.sig app.tar.gz

  # from a pipe, base64 signature to the terminal
  pg_dump app | envseal sign --key file:release.pem --armor`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return signRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Key, "key", "k", "", "signing key `URI` (file:KEY.pem, awskms:///alias/NAME, pkcs11:...)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the signature to `FILE` instead of standard output")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	cmd.Flags().BoolVarP(&opts.Armor, "armor", "a", false, "write the signature as one line of base64")
	return cmd
}

func signRun(ctx context.Context, opts *SignOptions) error {
	if opts.Key == "" {
		return usageErrorf(hintSigningKey+"; then pass --key file:KEY.pem", "sign needs --key")
	}
	if opts.Output == "" && !opts.Armor && opts.IO.StdoutTTY {
		return usageErrorf("pass -o FILE or --armor, or redirect the output", "refusing to write binary data to a terminal")
	}
	s, err := openSigner(ctx, opts.IO, opts.Key)
	if err != nil {
		return err
	}
	return transform(ctx, opts.IO, transformOptions{Verb: "signing", Input: opts.Input, Output: opts.Output, Force: opts.Force, Mode: 0o644}, func(in io.Reader, out io.Writer) error {
		sig, err := sign.Sign(s, in)
		if err != nil {
			return err
		}
		if opts.Armor {
			sig = sign.Armor(sig)
		}
		_, err = out.Write(sig)
		return err
	})
}
