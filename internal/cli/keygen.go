package cli

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// KeygenOptions are the parsed flags of envseal keygen.
type KeygenOptions struct {
	IO     *IOStreams
	Output string
	Force  bool
	Type   string

	// Key names a backend key to create (awskms:, pkcs11:) instead of a file.
	Key         string
	Spec        string
	Usage       string
	Description string
}

// NewCmdKeygen builds envseal keygen. runF replaces the run function in tests.
func NewCmdKeygen(ios *IOStreams, runF func(context.Context, *KeygenOptions) error) *cobra.Command {
	opts := &KeygenOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "keygen (-o FILE [--type TYPE] [--force] | --key awskms:///alias/NAME [--spec SPEC] [--usage USAGE] | --key pkcs11:... [--type TYPE])",
		Short: "Create a new key",
		Long: `Create a new local AES-256 key-encryption key in FILE (mode 0600, never
replacing an existing file unless --force) and print its URI, file:FILE, on
standard error.

With a signing --type (ed25519, ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096),
FILE is a PKCS#8 PEM private key for envseal sign, and its public key is
written next to it as a PEM SubjectPublicKeyInfo: FILE without its .pem
suffix, plus .pub.pem (mode 0644, same --force rule).

With --type x25519 (or mlkem768x25519, post-quantum hybrid), FILE is an
age identity file, as age-keygen writes it, and its recipient (age1...) is
printed after the URI, age:FILE; seal to it with --key age1... or
--key age:FILE.

With --key, the key is made inside a backend and never leaves it:
  awskms:///alias/NAME   CreateKey + CreateAlias; prints the key ARN. --spec
                         SYMMETRIC_DEFAULT (default), RSA_2048|3072|4096,
                         ECC_NIST_P256|P384; --usage ENCRYPT_DECRYPT or
                         SIGN_VERIFY. An existing alias is an error.
  pkcs11:token=T;object=NAME
                         a non-extractable, sensitive key on the token;
                         --type aes-256 (default) or rsa-oaep-3072|4096 to
                         seal (an RSA key pair: sealing needs only its
                         public key), ecdsa-p256, ecdsa-p384 or rsa-3072 to
                         sign; prints the key's URI. An existing label is
                         an error.`,
		Example: `  envseal keygen -o team.key
  envseal seal --key file:team.key -o notes.sealed notes.txt

  # an age identity; age -d -i me.txt and age-keygen -y me.txt read it
  envseal keygen --type x25519 -o me.txt

  # a signing key pair: release.pem and release.pub.pem
  envseal keygen --type ecdsa-p256 -o release.pem

  # replaces: aws kms create-key + aws kms create-alias --alias-name alias/backups
  envseal keygen --key awskms:///alias/backups

  # an AES key on an HSM token (module from $ENVSEAL_PKCS11_MODULE or
  # ?module-path=, PIN from $ENVSEAL_PKCS11_PIN or a prompt)
  envseal keygen --key 'pkcs11:token=prod;object=backup-kek'`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return keygenRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the new key to `FILE`")
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "replace an existing key file (the old key is lost)")
	cmd.Flags().StringVarP(&opts.Key, "key", "k", "", "create this backend key `URI` (awskms:///alias/NAME, pkcs11:...) instead of a file")
	cmd.Flags().StringVar(&opts.Spec, "spec", "", "AWS KMS key `spec` (default SYMMETRIC_DEFAULT)")
	cmd.Flags().StringVar(&opts.Usage, "usage", "", "AWS KMS key `usage`: ENCRYPT_DECRYPT or SIGN_VERIFY")
	cmd.Flags().StringVar(&opts.Description, "description", "", "AWS KMS key description")
	cmd.Flags().StringVar(&opts.Type, "type", "", "key `TYPE`: aes-256 (default, to seal), or to sign: ed25519, ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096")
	return cmd
}

// keygenRun picks where the key is made: inside a backend (--key), or in
// a local file (-o), whose rules are file rules.
func keygenRun(ctx context.Context, opts *KeygenOptions) error {
	if opts.Key != "" {
		return keygenBackend(ctx, opts)
	}
	if opts.Spec != "" || opts.Usage != "" || opts.Description != "" {
		return usageErrorf("add --key awskms:///alias/NAME", "--spec, --usage and --description are for AWS KMS keys")
	}
	return keygenFile(ctx, opts)
}

// keygenFile writes a local key file of type --type, with the backend
// whose keys are files.
func keygenFile(ctx context.Context, opts *KeygenOptions) error {
	if opts.Output == "" || opts.Output == "-" {
		return usageErrorf("keys are written to files only, never to a terminal or log: envseal keygen -o FILE",
			"keygen needs -o FILE")
	}
	files, err := keyprovider.LocalFilesFor(opts.Type)
	if err != nil {
		return err
	}
	signing, err := files.Signing(opts.Type)
	if err != nil {
		return &UsageError{Err: err, Hint: "see: envseal keygen --help"}
	}
	if signing {
		return keygenSigningFile(ctx, opts, files)
	}
	k, err := files.Generate(opts.Output, opts.Type, opts.Force)
	if err != nil {
		return withHintIfExists(err)
	}
	fmt.Fprintln(opts.IO.ErrOut, k.URI())
	// A key pair (an age identity) says what to seal to, as age-keygen does.
	if pe, ok := k.(keyprovider.PublicExporter); ok {
		if pk, err := pe.ExportPublic(ctx); err == nil && pk.Line != "" {
			fmt.Fprintf(opts.IO.ErrOut, "public key: %s\n", pk.Line)
		}
	}
	return nil
}
