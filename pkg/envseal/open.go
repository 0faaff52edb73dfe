package envseal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// OpenOptions are the optional settings of Open, Decrypt and DecryptRange.
type OpenOptions struct {
	// Context lists pairs the file's encryption context must contain; a file
	// without one of them is refused before any key is used.
	Context map[string]string
	// Signer, if set, requires a signed file whose signer it trusts (see
	// SignerPolicy); nil accepts unsigned files and any signer. Either way
	// a signed file's signature is verified.
	Signer *SignerPolicy
}

func (o *OpenOptions) envelope() *envelope.OpenOptions {
	if o == nil {
		return nil
	}
	return &envelope.OpenOptions{Context: o.Context, CheckHeader: o.Signer.Check}
}

// Decrypt reads the header from src, unwraps the data key with the first of
// identities that holds a stanza, and returns a reader of the plaintext.
// Armored input is recognised by itself. The reader returns only
// authenticated data; the file authenticated in full only when it returns
// io.EOF. A file no identity can open gives an *envelope.NoMatchError.
func Decrypt(ctx context.Context, src io.Reader, identities []keyprovider.Unwrapper, opts *OpenOptions) (io.Reader, error) {
	src, _ = dearmor(src)
	_, r, err := envelope.DecryptWith(ctx, src, identities, opts.envelope())
	return r, err
}

// Open decrypts all of src to dst. It returns nil only if the whole file
// authenticated. On error dst may already hold a prefix of the plaintext
// (chunks that authenticated before the failure): discard it.
func Open(ctx context.Context, dst io.Writer, src io.Reader, identities []keyprovider.Unwrapper, opts *OpenOptions) error {
	r, err := Decrypt(ctx, src, identities, opts)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, r); err != nil {
		return fmt.Errorf("failed to open: %w", err)
	}
	return nil
}

// ErrArmored is returned by DecryptRange for an armored file, which has no
// random access: dearmor it first, or open it whole.
var ErrArmored = errors.New("armored files have no random access")

// DecryptRange opens a binary file of size bytes for random access: only the
// chunks a ReadAt covers are read and authenticated. It returns the
// plaintext as an io.ReaderAt and the plaintext's size.
func DecryptRange(ctx context.Context, src io.ReaderAt, size int64, identities []keyprovider.Unwrapper, opts *OpenOptions) (io.ReaderAt, int64, error) {
	if armor.IsArmoredAt(src, size) {
		return nil, 0, ErrArmored
	}
	_, r, n, err := envelope.DecryptAtWith(ctx, src, size, identities, opts.envelope())
	return r, n, err
}

// dearmor returns src decoded from armor if it is armored, else src as it
// is (buffered), and whether it was armored.
func dearmor(src io.Reader) (io.Reader, bool) {
	br := bufio.NewReaderSize(src, 64<<10)
	if armor.IsArmored(br) {
		return bufio.NewReaderSize(armor.NewReader(br), 64<<10), true
	}
	return br, false
}
