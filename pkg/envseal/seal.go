package envseal

import (
	"context"
	"crypto"
	"fmt"
	"io"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// SealOptions are the optional settings of Seal and Encrypt. The zero value
// (or nil) seals binary with no encryption context.
type SealOptions struct {
	// Context is the encryption context: stored in the header, bound by the
	// header MAC and the payload keys, and passed to AWS KMS as its
	// EncryptionContext. Opening can require pairs of it.
	Context map[string]string
	// Armor writes the PEM-style text form instead of binary.
	Armor bool
	// Signer, if set, signs the file (format version 2, docs/FORMAT.md
	// "Signed files"): one streaming pass, the signature after the final
	// chunk. Certificates (DER, the signer's first, then intermediates)
	// are embedded with it.
	Signer       crypto.Signer
	Certificates [][]byte
}

func (o *SealOptions) envelope() *envelope.SealOptions {
	return &envelope.SealOptions{Signer: o.Signer, Certificates: o.Certificates}
}

// Encrypt writes the header for recipients to dst and returns a writer for
// the plaintext. Close it to finish the file: a file that was not closed
// reads back as truncated, never as a shorter valid file. Close does not
// close dst.
func Encrypt(ctx context.Context, dst io.Writer, recipients []keyprovider.Wrapper, opts *SealOptions) (io.WriteCloser, error) {
	if opts == nil {
		opts = &SealOptions{}
	}
	if !opts.Armor {
		return envelope.EncryptWith(ctx, dst, recipients, opts.Context, opts.envelope())
	}
	aw := armor.NewWriter(dst)
	w, err := envelope.EncryptWith(ctx, aw, recipients, opts.Context, opts.envelope())
	if err != nil {
		return nil, err
	}
	return &armoredWriter{WriteCloser: w, armor: aw}, nil
}

// armoredWriter closes the payload, then the armor around it.
type armoredWriter struct {
	io.WriteCloser
	armor *armor.Writer
}

func (w *armoredWriter) Close() error {
	if err := w.WriteCloser.Close(); err != nil {
		return err
	}
	return w.armor.Close()
}

// Seal encrypts all of src to dst for recipients, each of which can open the
// result. It does not close dst.
func Seal(ctx context.Context, dst io.Writer, src io.Reader, recipients []keyprovider.Wrapper, opts *SealOptions) error {
	w, err := Encrypt(ctx, dst, recipients, opts)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("failed to seal: %w", err)
	}
	return w.Close()
}
