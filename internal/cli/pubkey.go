package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/pkg/keyprovider"
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
		Short: "Export the public half of an encryption or signing key",
		Long: `Export the public half of --key.

For an asymmetric encryption key (an AWS KMS RSA key of usage
ENCRYPT_DECRYPT, an RSA key pair on a PKCS#11 token, an age or SSH key) it
writes a public key file: text, safe to commit, that says what it is and
holds what sealing needs (the key's id, the wrapping algorithm). Anyone can
then seal to it with --key pub:FILE, offline, with no credentials and no
PKCS#11 module. For an age key it is the recipient, as age-keygen -y prints
it. Several exports concatenated are one file that seals to each of them.

For a signing key it writes the PEM SubjectPublicKeyInfo ("PUBLIC KEY")
that envseal verify --pubkey and openssl dgst -verify read: for a file key
the public half of the private key, for an AWS KMS key (usage SIGN_VERIFY)
what GetPublicKey returns, for a PKCS#11 key the public key object that goes
with it on the token.`,
		Example: `  envseal pubkey --key file:release.pem > release.pub.pem
  envseal verify --pubkey release.pub.pem --signature app.sig app

  # an AWS KMS RSA key (ENCRYPT_DECRYPT): seal offline, open with the key
  envseal pubkey --key awskms:///alias/Team -o team.pub
  envseal seal --key pub:team.pub -o secrets.env.sealed secrets.env
  envseal open --key awskms:///alias/Team secrets.env.sealed

  # an RSA key pair on a token: export it once, then seal without the
  # token, its module or its PIN; opening needs the token
  envseal keygen --key 'pkcs11:token=prod;object=team-rsa' --type rsa-oaep-3072
  envseal pubkey --key 'pkcs11:token=prod;object=team-rsa' -o team-rsa.pub
  echo API_TOKEN=t0ps3cret | envseal seal --key pub:team-rsa.pub -o team-secrets.env.sealed
  envseal open --key 'pkcs11:token=prod;object=team-rsa' team-secrets.env.sealed


  # an age identity's recipient, the line age-keygen -y prints; an SSH
  # key's public line; together a file anyone can seal to, offline
  envseal pubkey --key age:me.txt -o people.pub
  envseal pubkey --key ssh:id_ed25519 >> people.pub
  envseal seal --key pub:people.pub -o db.env.sealed db.env`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pubkeyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Key, "key", "k", "", "encryption or signing key `URI`")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	return cmd
}

func pubkeyRun(ctx context.Context, opts *PubkeyOptions) error {
	if opts.Key == "" {
		return usageErrorf("pass --key file:KEY.pem", "pubkey needs --key")
	}
	data, err := exportPublic(ctx, opts)
	if err != nil {
		return err
	}
	return writeOutput(opts.IO, opts.Output, opts.Force, 0o644, data)
}

// exportPublic returns the public key file of an encryption key, or the
// PEM public key of a signing key: a key that has no public half to seal
// to is tried as a signing key.
func exportPublic(ctx context.Context, opts *PubkeyOptions) ([]byte, error) {
	k, err := keyprovider.Open(ctx, opts.Key, providerOptions(opts.IO))
	if err != nil {
		return nil, err
	}
	if pe, ok := k.(keyprovider.PublicExporter); ok {
		pk, err := pe.ExportPublic(ctx)
		if err == nil {
			return keyprovider.MarshalPublic(pk)
		}
		if !errors.Is(err, keyprovider.ErrUnsupported) {
			return nil, err
		}
	}
	s, err := openSigner(ctx, opts.IO, opts.Key)
	if err != nil {
		if _, seals := k.(keyprovider.Wrapper); seals && errors.Is(err, keyprovider.ErrUnsupported) {
			return nil, withHint(fmt.Errorf("key %s has no public half: it is a symmetric key: %w",
				keyprovider.Printable(opts.Key), keyprovider.ErrUnsupported),
				"pubkey exports asymmetric keys (KMS RSA ENCRYPT_DECRYPT or SIGN_VERIFY, token RSA, age, SSH, signing key files)")
		}
		return nil, err
	}
	return sign.MarshalPublicKey(s.Public())
}
