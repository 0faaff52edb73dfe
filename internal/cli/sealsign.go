package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/spf13/cobra"
)

type sealSignerKey struct{}

// addResignFlag is --sign-with of the commands that change a sealed file
// in place (edit, set, unset): a signed file is re-signed with its own
// signer's key, or refused.
func addResignFlag(cmd *cobra.Command, uri *string) {
	cmd.Flags().StringVar(uri, "sign-with", "", "re-sign a signed file with its signer's key `URI` (required for a signed file)")
}

// withSealSigner opens the --sign-with key and reads --signer-cert, and
// returns ctx carrying them for sealTo (single and batch seal alike).
// The certificate must be for the signing key: a mismatched one would
// make every file fail its signer check.
func withSealSigner(ctx context.Context, ios *IOStreams, uri, certFile string) (context.Context, error) {
	if uri == "" {
		if certFile != "" {
			return nil, usageErrorf("add --sign-with URI", "--signer-cert needs --sign-with")
		}
		return ctx, nil
	}
	s, err := openSigner(ctx, ios, uri)
	if err != nil {
		return nil, err
	}
	o := &envelope.SealOptions{Signer: s}
	if certFile != "" {
		certs, err := readCerts(ios, certFile, "signer certificate")
		if err != nil {
			return nil, err
		}
		spki, err := x509.MarshalPKIXPublicKey(s.Public())
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(certs[0].RawSubjectPublicKeyInfo, spki) {
			return nil, withHint(fmt.Errorf("the first certificate in %s (%q) is not for the key %s", certFile, certs[0].Subject, uri),
				"--signer-cert starts with the signer's own certificate, then its intermediates")
		}
		if len(certs) > envelope.MaxSignerCerts {
			return nil, fmt.Errorf("%s holds %d certificates; a signed file embeds at most %d", certFile, len(certs), envelope.MaxSignerCerts)
		}
		for _, c := range certs {
			o.Certificates = append(o.Certificates, c.Raw)
		}
	}
	return context.WithValue(ctx, sealSignerKey{}, o), nil
}

// sealOptions are the signing options in ctx, nil for an unsigned file.
func sealOptions(ctx context.Context) *envelope.SealOptions {
	o, _ := ctx.Value(sealSignerKey{}).(*envelope.SealOptions)
	return o
}
