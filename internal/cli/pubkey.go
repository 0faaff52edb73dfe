package cli

import (
	"context"

	"github.com/envseal/envseal/internal/sign"
	"github.com/spf13/cobra"
)

// PubkeyOptions are the parsed flags of envseal pubkey.
type PubkeyOptions struct {
	IO     *IOStreams
	Key    string
	Output string
	Force  bool
}

// NewCmdPubkey builds envseal pubkey. runF replaces the run function in tests.
func NewCmdPubkey(ios *IOStreams, runF func(context.Context, *PubkeyOptions) error) *cobra.Command {
	opts := &PubkeyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "pubkey --key URI [-o FILE]",
		Short: "Print the public key of a signing key",
		Long: `Print the public key of the signing key --key as a PEM SubjectPublicKeyInfo
("PUBLIC KEY"), the format envseal verify --pubkey and openssl dgst -verify
read. Export it once and verify anywhere, offline.

For a file key it is the public half of the private key; for an AWS KMS key
(usage SIGN_VERIFY) it is what GetPublicKey returns; for a PKCS#11 key it is
read from the public key object that goes with it on the token.`,
		Example: `  envseal pubkey --key file:release.pem > release.pub.pem
  envseal verify --pubkey release.pub.pem --signature app.sig app`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pubkeyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Key, "key", "k", "", "signing key `URI`")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	return cmd
}

func pubkeyRun(ctx context.Context, opts *PubkeyOptions) error {
	if opts.Key == "" {
		return usageErrorf("pass --key file:KEY.pem", "pubkey needs --key")
	}
	s, err := openSigner(ctx, opts.IO, opts.Key)
	if err != nil {
		return err
	}
	data, err := sign.MarshalPublicKey(s.Public())
	if err != nil {
		return err
	}
	return writeOutput(opts.IO, opts.Output, opts.Force, 0o644, data)
}
