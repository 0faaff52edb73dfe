package envelope

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// A signed file's stanzas are signed bytes, so rewrapping it cannot just
// put a new header before the old payload, as Rewrap does. The signer
// block is not part of the payload's key-derivation context (the version
// byte is), so there are two ways, and the caller chooses:
//
//   - RewrapResigned keeps the file signed by the same signer block: the
//     payload bytes are kept and the whole file is signed again, which
//     reads and hashes the payload (not decrypting it).
//   - RewrapUnsigned drops the signature: version 1 is another payload
//     key-derivation context, so the payload is decrypted and encrypted
//     again, under the same data key and a fresh salt.
//
// Either way the old signature is verified over the bytes read before the
// new file is finished, so a file that fails it is never re-signed or
// turned into a valid unsigned one. Write the returned header and its
// payload with WritePayload.

// rewrite is how WritePayload makes a rewrapped signed file's payload.
type rewrite struct {
	old    *Header
	dk     []byte
	signer crypto.Signer // re-sign; nil: re-encrypt unsigned
}

// RewrapResigned is Rewrap for a signed header: the new header keeps h's
// signer block (its certificates too) and signer, whose public key must
// be the signer block's, signs the new file in WritePayload.
func RewrapResigned(h *Header, dataKey []byte, stanzas []*keyprovider.Stanza, prefix []byte, signer crypto.Signer) (*Header, error) {
	if h.Signer == nil {
		return nil, errors.New("the file is not signed")
	}
	if err := h.checkSigningKey(signer); err != nil {
		return nil, err
	}
	return h.rewrapped(dataKey, stanzas, prefix, h.Signer, signer)
}

// RewrapUnsigned is Rewrap for a signed header that drops the signature:
// the new header is version 1, and WritePayload re-encrypts the payload.
func RewrapUnsigned(h *Header, dataKey []byte, stanzas []*keyprovider.Stanza, prefix []byte) (*Header, error) {
	if h.Signer == nil {
		return nil, errors.New("the file is not signed")
	}
	return h.rewrapped(dataKey, stanzas, prefix, nil, nil)
}

func (h *Header) rewrapped(dataKey []byte, stanzas []*keyprovider.Stanza, prefix []byte, si *SignerInfo, signer crypto.Signer) (*Header, error) {
	if err := h.checkOwnPayload(dataKey, prefix); err != nil {
		return nil, err
	}
	if err := checkStanzas(stanzas); err != nil {
		return nil, err
	}
	n := &Header{Context: maps.Clone(h.Context), Stanzas: stanzas, Signer: si}
	var err error
	if n.MAC, err = n.computeMAC(dataKey); err != nil {
		return nil, err
	}
	n.rewrite = &rewrite{old: h, dk: bytes.Clone(dataKey), signer: signer}
	return n, nil
}

// WritePayload writes the payload that follows h to dst, from payload,
// the payload that followed the header h was made from (salt and key
// commitment first, a signed file's signature last). For a header from
// Rewrap that is a copy; for one from RewrapResigned or RewrapUnsigned it
// verifies the old signature and signs again, or re-encrypts, and fails
// (dst then holds an incomplete file) if the old signature fails. The
// header itself is not written: write h.Marshal() first.
func (h *Header) WritePayload(dst io.Writer, payload io.Reader) error {
	rw := h.rewrite
	if rw == nil {
		if _, err := io.Copy(dst, payload); err != nil {
			return fmt.Errorf("failed to copy payload: %w", err)
		}
		return nil
	}
	defer clear(rw.dk)
	if rw.signer == nil {
		return h.reencryptUnsigned(dst, payload)
	}
	oldHash, err := rw.old.signedHash()
	if err != nil {
		return err
	}
	newHash, err := h.signedHash()
	if err != nil {
		return err
	}
	t := newTrailer(payload, oldHash, rw.old.Signer.SignatureSize)
	nh := newAsyncHash(newHash)
	if _, err := io.Copy(io.MultiWriter(dst, nh), t); err != nil {
		return fmt.Errorf("failed to copy payload: %w", err)
	}
	if err := t.verify(rw.old.Signer.pub); err != nil {
		return err
	}
	sig, err := sign.SignDigest(rw.signer, nh.Sum())
	if err != nil {
		return err
	}
	if len(sig) != h.Signer.SignatureSize {
		return fmt.Errorf("the signing key made a %d-byte signature, the header says %d", len(sig), h.Signer.SignatureSize)
	}
	if _, err := dst.Write(sig); err != nil {
		return fmt.Errorf("failed to write signature: %w", err)
	}
	return nil
}

// reencryptUnsigned decrypts the old payload (its signature verified at
// the end) into a new one under h, which newPayload writes after h's
// header: WritePayload's caller has written that already, so it goes to
// a writer that drops it.
func (h *Header) reencryptUnsigned(dst io.Writer, payload io.Reader) error {
	rw := h.rewrite
	fixed, err := rw.old.fixedFields()
	if err != nil {
		return err
	}
	r, err := rw.old.openPayload(rw.dk, fixed, payload)
	if err != nil {
		return err
	}
	hdr, err := h.Marshal()
	if err != nil {
		return err
	}
	w, err := h.newPayload(&skipWriter{w: dst, skip: len(hdr)}, rw.dk, nil)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		return err
	}
	return w.Close()
}

// skipWriter drops the first skip bytes written to it.
type skipWriter struct {
	w    io.Writer
	skip int
}

func (s *skipWriter) Write(p []byte) (int, error) {
	n := len(p)
	if s.skip > 0 {
		k := min(s.skip, len(p))
		s.skip -= k
		p = p[k:]
	}
	if len(p) == 0 {
		return n, nil
	}
	if _, err := s.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}
