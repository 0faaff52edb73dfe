package cli

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// Environment defaults of the signer flags, so that a CI job can require
// a signer for every command without changing their command lines.
const (
	envSigner     = "ENVSEAL_SIGNER"      // whitespace-separated PUB|URI values
	envSignerCA   = "ENVSEAL_SIGNER_CA"   // a PEM CA bundle file
	envSignerName = "ENVSEAL_SIGNER_NAME" // a SAN the signer's certificate must hold
)

// maxCertFile bounds a certificate or CA bundle file.
const maxCertFile = 1 << 20

// SignerFlags are the flags every command that opens a file shares:
// whose signature the file must carry.
type SignerFlags struct {
	Signers []string // --signer PUB|URI
	CA      string   // --signer-ca BUNDLE
	Name    string   // --signer-name NAME
}

func addSignerFlags(cmd *cobra.Command, f *SignerFlags) {
	cmd.Flags().StringArrayVar(&f.Signers, "signer", nil, "require a signature by the PEM public key `PUB` or the key URI (repeatable; default $"+envSigner+")")
	cmd.Flags().StringVar(&f.CA, "signer-ca", "", "require a signer certificate that chains to the CA certificates in `BUNDLE` (default $"+envSignerCA+")")
	cmd.Flags().StringVar(&f.Name, "signer-name", "", "with --signer-ca, the signer certificate must name `NAME` (a URI SAN if it has ://, an email SAN if it has @, else DNS; default $"+envSignerName+")")
}

// signerCheck is what the open paths check a header against: the policy
// (nil: any signer, or none) and where to say that a signed file was
// opened without one.
type signerCheck struct {
	policy *envseal.SignerPolicy
	warn   io.Writer
}

type signerCheckKey struct{}

// withSignerPolicy resolves the flags (or their environment defaults)
// and returns ctx carrying the check, which every open path of the
// command (open, batch, --offset, exec, get, edit) applies through
// openOptions. It travels in ctx so that those paths, which pass the
// context along anyway, need no other new parameter.
func withSignerPolicy(ctx context.Context, ios *IOStreams, f *SignerFlags) (context.Context, error) {
	p, err := f.policy(ctx, ios)
	if err != nil {
		return nil, err
	}
	return context.WithValue(ctx, signerCheckKey{}, &signerCheck{policy: p, warn: ios.ErrOut}), nil
}

// openOptions are the envelope's open options for the required context
// and the signer check in ctx.
func openOptions(ctx context.Context, required map[string]string) *envelope.OpenOptions {
	c, _ := ctx.Value(signerCheckKey{}).(*signerCheck)
	return &envelope.OpenOptions{Context: required, CheckHeader: c.check}
}

// checkSigner applies the signer check in ctx to a parsed header, for a
// path that unwraps the key itself (edit, get).
func checkSigner(ctx context.Context, h *envelope.Header) error {
	return openOptions(ctx, nil).CheckHeader(h)
}

func (c *signerCheck) check(h *envelope.Header) error {
	if c == nil || c.policy == nil {
		return nil
	}
	if err := c.policy.Check(h); err != nil {
		hint := "pass the signer's public key with --signer, or its CA with --signer-ca"
		if h.Signer == nil {
			hint = "the file must be sealed with seal --sign-with"
		}
		return withHint(err, hint)
	}
	return nil
}

// noteUnverifiedSigner returns r, which says on standard error, once r
// reached io.EOF, that a signed file was opened without a signer policy.
// Not before: the signature is verified at the end of the payload, and a
// note printed when the header is parsed would vouch for a signature
// nothing had checked yet.
func noteUnverifiedSigner(ctx context.Context, h *envelope.Header, r io.Reader) io.Reader {
	note := signerNote(ctx, h)
	if note == nil {
		return r
	}
	return &noteAtEOF{r: r, note: note}
}

// signerNote returns what prints the no-policy note for h, or nil if
// there is none to print (a policy is set, or the file is unsigned). Call
// it only after the signature verified. Only the key is named: without a
// policy the signer block is whatever the file's maker put there,
// certificate subject included.
func signerNote(ctx context.Context, h *envelope.Header) func() {
	c, _ := ctx.Value(signerCheckKey{}).(*signerCheck)
	if c == nil || c.policy != nil || c.warn == nil || h == nil || h.Signer == nil {
		return nil
	}
	return func() {
		fmt.Fprintf(c.warn, "envseal: note: the file claims signer %s key %s (unverified identity: no --signer or --signer-ca); its integrity is checked against that key only\n",
			h.Signer.AlgorithmName(), envseal.KeyFingerprint(h.Signer.PublicKey))
	}
}

// noteAtEOF calls note once, when r returns io.EOF.
type noteAtEOF struct {
	r    io.Reader
	note func()
}

// WriteTo keeps the payload reader's WriteTo (batches written from its
// workers) usable through the note: a nil error is the end of the file.
func (n *noteAtEOF) WriteTo(w io.Writer) (int64, error) {
	k, err := io.Copy(w, n.r)
	if err == nil && n.note != nil {
		n.note()
		n.note = nil
	}
	return k, err
}

func (n *noteAtEOF) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err == io.EOF && n.note != nil {
		n.note()
		n.note = nil
	}
	return k, err
}

// refuseUnsignable is the check of a path that opens a kind of file that
// cannot be signed (an openssl enc file): a signer flag there is a usage
// error, and a policy from the environment a refusal, as for any unsigned
// file. Without it the policy a CI job sets would silently not apply.
func (f *SignerFlags) refuseUnsignable(flag, what string) error {
	if len(f.Signers) > 0 || f.CA != "" || f.Name != "" {
		return usageErrorf("drop --signer, --signer-ca and --signer-name, or re-seal the file with a signature (envseal migrate, then seal --sign-with)",
			"%s cannot be signed: a signer flag does not apply with %s", what, flag)
	}
	for _, v := range []string{envSigner, envSignerCA, envSignerName} {
		if os.Getenv(v) != "" {
			return withHint(fmt.Errorf("%s: %s cannot be signed, and $%s requires a signer", envseal.ErrSignerNotTrusted, what, v),
				"re-seal the file with a signature (envseal migrate, then seal --sign-with), or unset "+v+" for this step")
		}
	}
	return nil
}

// policy builds the signer policy of the flags, or of their environment
// defaults when no flag is given; nil if neither names a signer.
func (f *SignerFlags) policy(ctx context.Context, ios *IOStreams) (*envseal.SignerPolicy, error) {
	signers, ca, name := f.Signers, f.CA, f.Name
	if len(signers) == 0 && ca == "" && name == "" {
		for _, v := range []string{envSigner, envSignerCA, envSignerName} {
			// Blanks only is a value gone wrong (a template or a secret
			// that expanded to spaces), not a choice to require no signer:
			// read as unset, it would turn the policy off without a word.
			// An empty value is unset, as shells and CI systems use it.
			if e := os.Getenv(v); e != "" && strings.TrimSpace(e) == "" {
				return nil, withHint(fmt.Errorf("$%s is set but holds only whitespace", v),
					"set it to a signer, or to the empty string for none")
			}
		}
		signers = strings.Fields(os.Getenv(envSigner))
		ca = strings.TrimSpace(os.Getenv(envSignerCA))
		name = strings.TrimSpace(os.Getenv(envSignerName))
	}
	if name != "" && ca == "" {
		return nil, usageErrorf("add --signer-ca BUNDLE", "--signer-name needs --signer-ca")
	}
	if len(signers) == 0 && ca == "" {
		return nil, nil
	}
	p := &envseal.SignerPolicy{Name: name}
	for _, s := range signers {
		pub, err := signerKey(ctx, ios, s)
		if err != nil {
			return nil, err
		}
		p.Keys = append(p.Keys, pub)
	}
	if ca != "" {
		certs, err := readCerts(ios, ca, "CA bundle")
		if err != nil {
			return nil, err
		}
		p.Roots = x509.NewCertPool()
		for _, c := range certs {
			p.Roots.AddCert(c)
		}
	}
	return p, nil
}

// signerKey resolves one --signer: a key URI whose public key is used (a
// file key's public half, KMS GetPublicKey, a token's public key object),
// or else a PEM public key file. A value whose scheme a backend handles is
// always a URI, never a path, even if a file of that name exists: the
// policy is what decides whether an untrusted checkout's files are
// accepted, so a file named "file:ci.pem" or "awskms:/alias/ci" committed
// to it must not replace the key the value names. A PEM file whose name
// has a colon is ./NAME.
func signerKey(ctx context.Context, ios *IOStreams, v string) (crypto.PublicKey, error) {
	if !isKeyURI(v) {
		data, err := readSmallFile(ios, v, maxSignatureFile, "signer public key")
		if err != nil {
			return nil, err
		}
		pub, err := sign.ParsePublicKey(data)
		if err != nil {
			return nil, withHint(fmt.Errorf("signer %s: %w", v, err),
				"--signer takes a PEM public key (envseal pubkey, openssl pkey -pubout) or a key URI such as file:KEY.pem")
		}
		return pub, nil
	}
	if pub, err := filePublicKey(ios, v); pub != nil || err != nil {
		return pub, err
	}
	s, err := openSigner(ctx, ios, v)
	if err != nil {
		return nil, err
	}
	return s.Public(), nil
}

// filePublicKey reads --signer file:PATH when PATH holds a PEM public key
// (nil, nil otherwise, for the backend to open): a policy needs only the
// public half, and a CI job should not need the private key to check.
func filePublicKey(ios *IOStreams, v string) (crypto.PublicKey, error) {
	scheme, _, _ := keyprovider.Scheme(v)
	if scheme != "file" {
		return nil, nil
	}
	path, err := fileKeyPath(v)
	if err != nil {
		return nil, nil
	}
	data, err := readSmallFile(ios, path, maxSignatureFile, "signer public key")
	if err != nil {
		return nil, nil // the backend reports it, with its hints
	}
	defer clear(data) // it may be a private key
	if b, _ := pem.Decode(data); b == nil || b.Type != "PUBLIC KEY" {
		if b != nil {
			clear(b.Bytes)
		}
		return nil, nil
	}
	pub, err := sign.ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("signer %s: %w", v, err)
	}
	return pub, nil
}

// isKeyURI reports whether v has a scheme that a registered backend
// handles.
func isKeyURI(v string) bool {
	scheme, _, err := keyprovider.Scheme(v)
	if err != nil {
		return false
	}
	_, ok := keyprovider.Lookup(scheme)
	return ok
}

// readCerts reads every CERTIFICATE block of a PEM file: at least one,
// and nothing else but text between blocks.
func readCerts(ios *IOStreams, path, what string) ([]*x509.Certificate, error) {
	data, err := readSmallFile(ios, path, maxCertFile, what)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("%s %s: PEM block %q, want CERTIFICATE", what, path, block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s %s: no PEM CERTIFICATE block", what, path)
	}
	return certs, nil
}
