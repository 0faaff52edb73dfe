package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"strings"

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
	Verify string // a public key file to check against the key
}

// NewCmdPubkey builds envseal pubkey. runF replaces the run function in tests.
func NewCmdPubkey(ios *IOStreams, runF func(context.Context, *PubkeyOptions) error) *cobra.Command {
	opts := &PubkeyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "pubkey --key URI [-o FILE | --verify FILE]",
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
with it on the token.

--verify FILE checks a public key file against the live key instead of
writing one: it fails unless an entry of FILE holds the key's public half
with the same attributes, and names any entry that carries the key's id
over another key (a stale export, or an edited one). Nothing in a public
key file ties its Key-Id to its key, so check committed exports this way.`,
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
  envseal seal --key pub:people.pub -o db.env.sealed db.env

  # check that a committed export still holds the live key
  envseal pubkey --key awskms:///alias/Team --verify team.pub`,
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
	cmd.Flags().StringVar(&opts.Verify, "verify", "", "check that public key `FILE` holds the key, instead of exporting it")
	return cmd
}

func pubkeyRun(ctx context.Context, opts *PubkeyOptions) error {
	if opts.Key == "" {
		return usageErrorf("pass --key file:KEY.pem", "pubkey needs --key")
	}
	if opts.Verify != "" {
		if opts.Output != "" || opts.Force {
			return usageErrorf("drop -o/--force: --verify writes nothing", "--verify cannot be combined with -o or --force")
		}
		return verifyPublic(ctx, opts)
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

// verifyPublic checks opts.Verify, a public key file, against the public
// half of opts.Key: the file must have an entry equal to the live export
// (the same backend, attributes and key), and no entry with the key's id
// (a Key-Id, or an age or SSH key) may hold another key.
func verifyPublic(ctx context.Context, opts *PubkeyOptions) error {
	k, err := keyprovider.Open(ctx, opts.Key, providerOptions(opts.IO))
	if err != nil {
		return err
	}
	pe, ok := k.(keyprovider.PublicExporter)
	if !ok {
		return fmt.Errorf("key %s has no public key file entry to check: %w", keyprovider.Printable(opts.Key), keyprovider.ErrUnsupported)
	}
	live, err := pe.ExportPublic(ctx)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(opts.Verify)
	if err != nil {
		return err
	}
	entries, err := keyprovider.ParsePublic(data)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.Verify, err)
	}
	match := 0
	for i, e := range entries {
		same, sameID := comparePublic(e, live)
		switch {
		case same:
			if match == 0 {
				match = i + 1
			}
		case sameID:
			return fmt.Errorf("%s: entry %d names %s but holds another key (%s; the live key is %s): re-export it with envseal pubkey",
				opts.Verify, i+1, publicName(live), publicPrint(e), publicPrint(live))
		}
	}
	if match == 0 {
		return withHint(fmt.Errorf("%s has no entry for %s (%s)", opts.Verify, keyprovider.Printable(opts.Key), publicPrint(live)),
			"add it with: envseal pubkey --key "+keyprovider.Printable(opts.Key)+" >> "+opts.Verify)
	}
	fmt.Fprintf(opts.IO.Out, "%s: entry %d holds %s (%s)\n", opts.Verify, match, publicName(live), publicPrint(live))
	return nil
}

// comparePublic reports whether e is the entry live is, and whether it at
// least claims to be (same backend and key id, or the same age or SSH key
// written another way).
func comparePublic(e, live *keyprovider.PublicKey) (same, sameID bool) {
	if live.Line != "" {
		return e.Line != "" && recipientKey(e.Line) == recipientKey(live.Line), false
	}
	if e.Scheme != live.Scheme || e.Line != "" {
		return false, false
	}
	sameID = e.Attrs["Key-Id"] != "" && e.Attrs["Key-Id"] == live.Attrs["Key-Id"]
	return sameID && maps.Equal(e.Attrs, live.Attrs) && bytes.Equal(e.DER, live.DER), sameID
}

// recipientKey is a recipient line without an SSH key's comment.
func recipientKey(line string) string {
	f := strings.Fields(line)
	if len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return line
}

func publicName(pk *keyprovider.PublicKey) string {
	if pk.Line != "" {
		return recipientKey(pk.Line)
	}
	return pk.Scheme + " key " + pk.Attrs["Key-Id"]
}

func publicPrint(pk *keyprovider.PublicKey) string {
	if pk.Line != "" {
		return "recipient " + recipientKey(pk.Line)
	}
	return "fingerprint " + keyprovider.Fingerprint(pk.DER)
}
