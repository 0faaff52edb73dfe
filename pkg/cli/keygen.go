package cli

import (
	"context"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider/localkey"
	"github.com/spf13/cobra"
)

// KeygenOptions are the parsed flags of envseal keygen.
type KeygenOptions struct {
	IO     *IOStreams
	Output string
	Force  bool
	Type   string
}

// NewCmdKeygen builds envseal keygen. runF replaces the run function in tests.
func NewCmdKeygen(ios *IOStreams, runF func(context.Context, *KeygenOptions) error) *cobra.Command {
	opts := &KeygenOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "keygen -o FILE [--type TYPE] [--force]",
		Short: "Create a new key",
		Long: `Create a new local AES-256 key-encryption key in FILE (mode 0600, never
replacing an existing file unless --force) and print its URI, file:FILE, on
standard error.

With a signing --type (ed25519, ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096),
FILE is a PKCS#8 PEM private key for envseal sign, and its public key is
written next to it as a PEM SubjectPublicKeyInfo: FILE without its .pem
suffix, plus .pub.pem (mode 0644, same --force rule).`,
		Example: `  envseal keygen -o team.key
  envseal seal --key file:team.key -o notes.sealed notes.txt

  # a signing key pair: release.pem and release.pub.pem
  envseal keygen --type ecdsa-p256 -o release.pem`,
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
	cmd.Flags().StringVar(&opts.Type, "type", "", "key `TYPE`: aes-256 (default, to seal), or to sign: ed25519, ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096")
	return cmd
}

// keygenRun picks where the key is made. Only local files so far: a key
// made inside a backend (--key awskms:..., pkcs11:...) is its own branch
// here, ahead of keygenFile's -o and --type rules, which are file rules.
func keygenRun(_ context.Context, opts *KeygenOptions) error {
	return keygenFile(opts)
}

// keygenFile writes a local key file of type --type.
func keygenFile(opts *KeygenOptions) error {
	if opts.Output == "" || opts.Output == "-" {
		return usageErrorf("keys are written to files only, never to a terminal or log: envseal keygen -o FILE",
			"keygen needs -o FILE")
	}
	typ, err := localkey.ParseKeyType(opts.Type)
	if err != nil {
		return &UsageError{Err: err, Hint: "see: envseal keygen --help"}
	}
	if typ.Signing() {
		return keygenSigningFile(opts, typ)
	}
	if _, err := localkey.Generate(opts.Output, opts.Force); err != nil {
		return withHintIfExists(err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "file:%s\n", opts.Output)
	return nil
}
