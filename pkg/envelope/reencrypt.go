package envelope

import (
	"crypto"
	"errors"
	"io"

	"github.com/envseal/envseal/internal/stream"
)

// Reencrypt writes h, byte for byte as parsed (stanzas and MAC included),
// to dst and returns a writer for a new payload under the same data key:
// what edit does to change a file with one recipient's key only, keeping
// the others' stanzas. Close the writer to finish the payload.
//
// This is sound because the header MAC does not cover the payload and the
// payload key is HKDF(data key, salt, context): the fresh random salt the
// new payload starts with gives it a fresh payload key and base nonce, so
// no (key, nonce) pair of the old payload is used again.
//
// dataKey must authenticate h, and prefix, the first PayloadPrefixSize
// bytes of the payload that followed h, must commit to it (checked in
// constant time): a data key that is not this file's, or a payload spliced
// from another file, is refused before anything is written, as Rewrap
// does.
//
// A signed header is refused with ErrSigned: the new payload needs a new
// signature (ReencryptSigned).
func Reencrypt(h *Header, dataKey, prefix []byte, dst io.Writer) (io.WriteCloser, error) {
	if h.Signer != nil {
		return nil, ErrSigned
	}
	if err := h.checkOwnPayload(dataKey, prefix); err != nil {
		return nil, err
	}
	return h.newPayload(dst, dataKey, nil)
}

// ReencryptSigned is Reencrypt for a signed header: the header is kept
// byte for byte, signer block included (so its certificates too), and the
// returned writer's Close signs the new file with signer, whose public
// key must be the header's signer key. Changing the signer changes the
// header, and so is a new file (seal), not a re-encryption.
func ReencryptSigned(h *Header, dataKey, prefix []byte, dst io.Writer, signer crypto.Signer) (io.WriteCloser, error) {
	if h.Signer == nil {
		return nil, errors.New("the file is not signed")
	}
	if err := h.checkSigningKey(signer); err != nil {
		return nil, err
	}
	if err := h.checkOwnPayload(dataKey, prefix); err != nil {
		return nil, err
	}
	return h.newPayload(dst, dataKey, signer)
}

// OpenPayload returns a reader of the plaintext of payload (everything
// after h) under dataKey, which must authenticate h: for a caller that
// holds the data key already, as edit does to re-encrypt after it.
func (h *Header) OpenPayload(dataKey []byte, payload io.Reader) (io.Reader, error) {
	if err := h.verifyMAC(dataKey); err != nil {
		return nil, err
	}
	fixed, err := h.fixedFields()
	if err != nil {
		return nil, err
	}
	return h.openPayload(dataKey, fixed, payload)
}

// checkOwnPayload checks that dataKey is h's (the MAC) and that prefix,
// the first bytes of the payload that followed h, commits to it: what
// every writer that keeps a file's data key (rewrap, re-encryption) must
// know before it makes a valid file from h, so that it never vouches for a
// payload that is not this file's.
func (h *Header) checkOwnPayload(dataKey, prefix []byte) error {
	if err := h.verifyMAC(dataKey); err != nil {
		return err
	}
	fixed, err := h.fixedFields()
	if err != nil {
		return err
	}
	return stream.CheckPrefix(dataKey, prefix, fixed)
}
