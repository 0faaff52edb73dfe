package cli

import (
	"crypto/x509"
	"time"

	"context"
	"crypto"
	"fmt"
	"github.com/envseal/envseal/pkg/envseal"
	"io"

	"github.com/envseal/envseal/internal/sign"
	"github.com/spf13/cobra"
)

// maxSignatureFile bounds what verify reads as a signature: an RSA-8192
// signature in base64 is under 2 KiB.
const maxSignatureFile = 16 << 10

// VerifyOptions are the parsed flags of envseal verify.
type VerifyOptions struct {
	IO        *IOStreams
	Key       string
	PubKey    string
	Signature string
	Input     string

	// Cert is a PEM file of the signer's certificate (then intermediates),
	// checked against the CA bundle CA and, if set, SignerName.
	Cert       string
	CA         string
	SignerName string
}

// NewCmdVerify builds envseal verify. runF replaces the run function in tests.
func NewCmdVerify(ios *IOStreams, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "verify (--key URI | --pubkey PEM | --cert CERT --ca BUNDLE) --signature SIG [IN|-]",
		Short: "Check a signature made by envseal sign or openssl dgst",
		Long: `Check that SIG is a valid signature of IN (or standard input) by the key
--key, or by the public key in the PEM file --pubkey (SubjectPublicKeyInfo, as
written by envseal keygen, envseal pubkey or openssl pkey -pubout). Only the
public key is needed, so verify works offline for keys of any backend.

With --key the public key comes from the key itself: a file key's public
half, AWS KMS GetPublicKey (the signature is then checked here, not by KMS
Verify, so kms:GetPublicKey is the only permission needed), or the public
key object on a PKCS#11 token (which needs the token's PIN).

The exit status is 0 and "Verified OK" is printed only for a valid signature;
otherwise the status is 1 with "signature verification failed". The
signature may be binary or base64 (--armor); the hash and padding follow the
key, as for envseal sign.

--cert takes the signer's X.509 certificate (PEM, optionally followed by
intermediates) instead of a bare key: the signature is checked with the
certificate's public key, and the certificate must chain to a CA in --ca,
be valid now, allow digital signatures (key usage digitalSignature; an
extended key usage, if present, must include codeSigning) and, with
--signer-name, name NAME in a subject alternative name of the kind its
syntax gives: URI if it has "://", email if it has "@", else DNS.`,
		Example: `  envseal verify --pubkey release.pub.pem --signature app.tar.gz.sig app.tar.gz

  # a signature made by openssl
  openssl dgst -sha384 -sign p384.pem -out data.sig data.bin
  envseal verify --pubkey p384.pub.pem --signature data.sig data.bin

  # a signer known by its certificate
  envseal verify --cert ci.crt.pem --ca corp-ca.pem --signer-name ci@example.com --signature app.sig app.tar.gz`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Key, "key", "k", "", "verify with the public half of the key `URI`")
	cmd.Flags().StringVarP(&opts.PubKey, "pubkey", "p", "", "verify with the public key in PEM `FILE`")
	cmd.Flags().StringVarP(&opts.Signature, "signature", "s", "", "the signature `FILE` (binary or base64)")
	cmd.Flags().StringVar(&opts.Cert, "cert", "", "verify with the signer certificate in PEM `FILE` (then intermediates); needs --ca")
	cmd.Flags().StringVar(&opts.CA, "ca", "", "with --cert, the trusted CA certificates in PEM `BUNDLE`")
	cmd.Flags().StringVar(&opts.SignerName, "signer-name", "", "with --cert, a `NAME` the certificate must hold (URI with ://, email with @, else DNS)")
	return cmd
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	n := 0
	for _, v := range []string{opts.Key, opts.PubKey, opts.Cert} {
		if v != "" {
			n++
		}
	}
	switch {
	case n != 1:
		return usageErrorf("pass --pubkey KEY.pub.pem, --key URI, or --cert CERT.pem --ca BUNDLE", "verify needs exactly one of --key, --pubkey and --cert")
	case opts.Cert != "" && opts.CA == "":
		return usageErrorf("pass --ca BUNDLE, the CA certificates to trust", "--cert needs --ca")
	case opts.Cert == "" && (opts.CA != "" || opts.SignerName != ""):
		return usageErrorf("pass the signer's certificate with --cert", "--ca and --signer-name need --cert")
	}
	if opts.Signature == "" {
		return usageErrorf("pass --signature SIG", "verify needs --signature")
	}
	if isStdin(opts.Signature) && isStdin(opts.Input) {
		return usageErrorf("pass the input or the signature as a file", "the signature and the input cannot both be standard input")
	}
	pub, err := verifyKey(ctx, opts)
	if err != nil {
		return err
	}
	sig, err := readSignature(opts.IO, opts.Signature)
	if err != nil {
		return err
	}
	in, err := openInput(opts.IO, opts.Input)
	if err != nil {
		return err
	}
	defer in.Close()
	pr := withProgress(opts.IO, ctxReader{ctx, in}, in.size(), "verifying")
	err = sign.Verify(pub, pr, sig)
	pr.Finish()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, "Verified OK")
	return err
}

func isStdin(path string) bool { return path == "" || path == "-" }

// verifyKey returns the public key to verify with.
func verifyKey(ctx context.Context, opts *VerifyOptions) (crypto.PublicKey, error) {
	if opts.Cert != "" {
		return verifyCert(opts)
	}
	if opts.Key != "" {
		s, err := openSigner(ctx, opts.IO, opts.Key)
		if err != nil {
			return nil, err
		}
		return s.Public(), nil
	}
	data, err := readSmallFile(opts.IO, opts.PubKey, maxSignatureFile, "public key")
	if err != nil {
		return nil, err
	}
	pub, err := sign.ParsePublicKey(data)
	if err != nil {
		return nil, withHint(fmt.Errorf("public key %s: %w", opts.PubKey, err),
			"--pubkey takes a PEM public key, as written by envseal pubkey or openssl pkey -pubout; for a private key file use --key file:PATH")
	}
	return pub, nil
}

func readSignature(ios *IOStreams, path string) ([]byte, error) {
	data, err := readSmallFile(ios, path, maxSignatureFile, "signature")
	if err != nil {
		return nil, err
	}
	return sign.Dearmor(data), nil
}

// readSmallFile reads a file (or stdin for "-") of at most max bytes.
func readSmallFile(ios *IOStreams, path string, max int64, what string) ([]byte, error) {
	in, err := openInput(ios, path)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", what, err)
	}
	defer in.Close()
	data, err := io.ReadAll(io.LimitReader(in, max+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", what, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s %s is larger than %d bytes: is it the right file?", what, in.name, max)
	}
	return data, nil
}

// verifyCert checks --cert against --ca and --signer-name and returns its
// public key.
func verifyCert(opts *VerifyOptions) (crypto.PublicKey, error) {
	certs, err := readCerts(opts.IO, opts.Cert, "signer certificate")
	if err != nil {
		return nil, err
	}
	cas, err := readCerts(opts.IO, opts.CA, "CA bundle")
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	for _, c := range cas {
		roots.AddCert(c)
	}
	if err := envseal.VerifySignerCert(certs[0], certs[1:], roots, opts.SignerName, time.Time{}); err != nil {
		return nil, err
	}
	if _, err := sign.SchemeFor(certs[0].PublicKey); err != nil {
		return nil, err
	}
	return certs[0].PublicKey, nil
}
