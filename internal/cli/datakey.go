package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/envseal/envseal/internal/legacy"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
	"github.com/spf13/cobra"
)

// DatakeyOptions are the parsed flags of envseal datakey.
type DatakeyOptions struct {
	IO            *IOStreams
	Key           string
	Context       []string
	Spec          string
	Decrypt       bool
	Algorithm     string
	PlaintextOut  string
	CiphertextOut string
	Force         bool
	Input         string
}

// NewCmdDatakey builds envseal datakey. runF replaces the run function in tests.
func NewCmdDatakey(ios *IOStreams, runF func(context.Context, *DatakeyOptions) error) *cobra.Command {
	opts := &DatakeyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "datakey --key awskms:///KEY [--context k=v]... [--spec AES_256|AES_128] | datakey --decrypt [IN|-]",
		Short: "Generate or decrypt a raw AWS KMS data key (aws kms generate-data-key / decrypt)",
		Long: `Generate a data key under an AWS KMS key and print it as JSON with the field
names of 'aws kms generate-data-key' (KeyId, CiphertextBlob, Plaintext, base64),
or write the raw bytes to files with --plaintext-out and --ciphertext-out.

With --decrypt, read a raw CiphertextBlob (a file or standard input) and
print KeyId and Plaintext, as 'aws kms decrypt' does. --key pins the key:
without it KMS uses whatever key the blob names, if your credentials allow
it, so a blob someone else made can decrypt under any of your keys; envseal
then warns. Pass --key for a blob you did not make yourself.

This is for pipelines that manage data keys themselves. To encrypt files,
envseal seal does all of this for you and keeps the wrapped key in the file.`,
		Example: `  # replaces: aws kms generate-data-key ... and two base64 --decode lines
  envseal datakey --key awskms:///alias/Demo --plaintext-out datakey --ciphertext-out encrypted-datakey

  # replaces: aws kms decrypt --ciphertext-blob fileb://encrypted-datakey (JSON, base64 Plaintext)
  envseal datakey --decrypt --key awskms:///alias/Demo encrypted-datakey`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return datakeyRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Key, "key", "k", "", "AWS KMS key `URI` (awskms:///alias/NAME, key id or ARN)")
	f.StringArrayVarP(&opts.Context, "context", "c", nil, "encryption context `key=value` (repeatable)")
	f.StringVar(&opts.Spec, "spec", "AES_256", "data key `spec`: AES_256 or AES_128")
	f.BoolVar(&opts.Decrypt, "decrypt", false, "decrypt a raw CiphertextBlob instead")
	f.StringVar(&opts.Algorithm, "encryption-algorithm", "SYMMETRIC_DEFAULT",
		"with --decrypt: KMS `algorithm` SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1")
	f.StringVar(&opts.PlaintextOut, "plaintext-out", "", "write the raw plaintext key to `FILE` (0600)")
	f.StringVar(&opts.CiphertextOut, "ciphertext-out", "", "write the raw CiphertextBlob to `FILE`")
	f.BoolVarP(&opts.Force, "force", "f", false, "replace existing output files")
	return cmd
}

func datakeyRun(ctx context.Context, opts *DatakeyOptions) error {
	if opts.PlaintextOut == "-" || opts.CiphertextOut == "-" {
		return usageErrorf("name a file; without these flags the JSON on standard output holds both keys",
			"--plaintext-out and --ciphertext-out write raw bytes to a file, not to standard output")
	}
	if opts.Decrypt {
		return datakeyDecrypt(ctx, opts)
	}
	if opts.Algorithm != "SYMMETRIC_DEFAULT" {
		return usageErrorf("", "--encryption-algorithm applies to --decrypt only")
	}
	if opts.Input != "" {
		return usageErrorf("pass --decrypt to decrypt a CiphertextBlob", "datakey takes no input without --decrypt")
	}
	if opts.Key == "" {
		return usageErrorf("pass --key awskms:///alias/NAME", "datakey needs an AWS KMS key")
	}
	encCtx, err := parseContext(opts.Context)
	if err != nil {
		return err
	}
	k, err := openKMSKey(ctx, opts.IO, opts.Key)
	if err != nil {
		return err
	}
	dk, err := k.Client().GenerateDataKey(ctx, k.KeyID(), strings.ToUpper(opts.Spec), encCtx)
	if err != nil {
		return err
	}
	defer dk.Clear()
	return emitDataKey(opts, dk)
}

func datakeyDecrypt(ctx context.Context, opts *DatakeyOptions) error {
	if opts.CiphertextOut != "" {
		return usageErrorf("", "--ciphertext-out does not apply to --decrypt")
	}
	alg := strings.ToUpper(opts.Algorithm)
	if alg != "SYMMETRIC_DEFAULT" {
		if !slices.Contains(dataKeyAlgorithms, alg) {
			return usageErrorf("pass SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1",
				"unknown --encryption-algorithm %q", opts.Algorithm)
		}
		if opts.Key == "" {
			return usageErrorf("pass --key awskms:///KEY: an RSA ciphertext does not name its key",
				"--encryption-algorithm %s needs --key", alg)
		}
		if len(opts.Context) > 0 {
			return usageErrorf("drop --context", "KMS takes no encryption context for RSA keys")
		}
		blob, err := readBlob(opts.IO, opts.Input)
		if err != nil {
			return err
		}
		k, err := openKMSKey(ctx, opts.IO, opts.Key)
		if err != nil {
			return err
		}
		dk, err := k.Client().DecryptWith(ctx, blob, nil, k.KeyID(), alg)
		if err != nil {
			return err
		}
		defer dk.Clear()
		return emitDataKey(opts, dk)
	}
	encCtx, err := parseContext(opts.Context)
	if err != nil {
		return err
	}
	blob, err := readBlob(opts.IO, opts.Input)
	if err != nil {
		return err
	}
	dk, err := decryptBlob(ctx, opts.IO, blob, encCtx, opts.Key, "--key")
	if err != nil {
		return err
	}
	defer dk.Clear()
	return emitDataKey(opts, dk)
}

// decryptBlob decrypts a raw CiphertextBlob, pinned to keyURI when it is
// set. Unpinned, KMS decrypts a symmetric blob with whatever key the blob
// names, so a blob from someone else decrypts under any key the caller's
// credentials allow: that works, as aws kms decrypt does, but with a
// warning that names flag, the way to pin it.
func decryptBlob(ctx context.Context, ios *IOStreams, blob []byte, encCtx map[string]string, keyURI, flag string) (*awskms.DataKey, error) {
	client, keyID, err := kmsClientFor(ctx, ios, keyURI)
	if err != nil {
		return nil, err
	}
	if keyID == "" {
		fmt.Fprintf(ios.ErrOut, "envseal: warning: no %s: KMS decrypts the blob with whatever key it names "+
			"that your credentials allow; pass %s awskms:///KEY to pin it\n", flag, flag)
	}
	return client.DecryptBlob(ctx, blob, encCtx, keyID)
}

// openKMSKey opens uri and insists that it names an AWS KMS key.
func openKMSKey(ctx context.Context, ios *IOStreams, uri string) (*awskms.Key, error) {
	if !strings.HasPrefix(uri, awskms.Scheme+":") {
		return nil, usageErrorf("name an AWS KMS key, such as awskms:///alias/NAME",
			"%s is not an AWS KMS key", keyprovider.Printable(uri))
	}
	return awskms.Open(ctx, uri, providerOptions(ios))
}

// kmsClientFor returns a client and the key to pin: the one in uri, or
// none (KMS then uses the key recorded in the blob).
func kmsClientFor(ctx context.Context, ios *IOStreams, uri string) (*awskms.Client, string, error) {
	if uri == "" {
		c, err := awskms.NewClient(ctx, nil, providerOptions(ios))
		return c, "", err
	}
	k, err := openKMSKey(ctx, ios, uri)
	if err != nil {
		return nil, "", err
	}
	return k.Client(), k.KeyID(), nil
}

// maxBlob bounds a CiphertextBlob read from input; KMS blobs are small.
const maxBlob = 64 << 10

func readBlob(ios *IOStreams, path string) ([]byte, error) {
	in, err := openInput(ios, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	blob, err := io.ReadAll(io.LimitReader(in, maxBlob+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", in.name, err)
	}
	if len(blob) > maxBlob {
		return nil, withHint(fmt.Errorf("%s is larger than any KMS CiphertextBlob", in.name),
			"pass the raw (base64-decoded) blob that generate-data-key returned")
	}
	return blob, nil
}

// emitDataKey writes the raw files asked for, then prints the JSON of what
// was not written to a file (always KeyId).
func emitDataKey(opts *DatakeyOptions, dk *awskms.DataKey) error {
	out := *dk
	if err := writeSecretFile(opts.CiphertextOut, dk.CiphertextBlob, opts.Force, 0o644); err != nil {
		return err
	}
	if opts.CiphertextOut != "" {
		out.CiphertextBlob = nil
	}
	if err := writeSecretFile(opts.PlaintextOut, dk.Plaintext, opts.Force, 0o600); err != nil {
		return err
	}
	if opts.PlaintextOut != "" {
		out.Plaintext = nil
	}
	enc := json.NewEncoder(opts.IO.Out)
	enc.SetIndent("", "    ")
	return enc.Encode(dataKeyJSON(&out))
}

// dataKeyJSON orders fields as aws kms does and leaves out empty ones.
func dataKeyJSON(dk *awskms.DataKey) any {
	return struct {
		CiphertextBlob []byte `json:",omitempty"`
		Plaintext      []byte `json:",omitempty"`
		KeyID          string `json:"KeyId"`
	}{dk.CiphertextBlob, dk.Plaintext, dk.KeyID}
}

// writeSecretFile writes data atomically to path (if set), never replacing
// a file without force.
func writeSecretFile(path string, data []byte, force bool, mode fs.FileMode) error {
	if path == "" {
		return nil
	}
	out, err := createOutput(path, force, mode)
	if err != nil {
		return err
	}
	if _, err := out.Write(data); err != nil {
		out.abort()
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	return out.commit()
}

// kmsPassphrase is --pass kms:PATH (see readPassphrase): the pipeline's
// encrypted-datakey, as datakey writes it. It decrypts the raw
// CiphertextBlob with KMS (pinned to keyURI, --pass-key, if set; else the
// key recorded in the blob, with a warning) and applies -pass file: rules
// to the data key.
func kmsPassphrase(ctx context.Context, ios *IOStreams, path, keyURI string) ([]byte, error) {
	blob, err := readBlob(ios, path)
	if err != nil {
		return nil, err
	}
	dk, err := decryptBlob(ctx, ios, blob, nil, keyURI, "--pass-key")
	if err != nil {
		return nil, err
	}
	defer dk.Clear()
	p, err := legacy.FirstLine(dk.Plaintext)
	if err != nil {
		return nil, fmt.Errorf("--pass kms:%s: %w", path, err)
	}
	return bytes.Clone(p), nil
}
