package envelope

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/internal/stream"
)

// Signed files (docs/FORMAT.md, "Signed files") are format version 2: the
// header carries a signer block after the stanzas, covered by the MAC, and
// a fixed-size signature follows the final chunk. The signature is over
// SignatureDomain followed by every byte of the file before it.
const (
	// VersionSigned is the version byte of a signed file.
	VersionSigned = 2

	// SignatureDomain starts the signed message: it separates envelope
	// signatures from signatures the same key makes over other data.
	SignatureDomain = sign.EnvelopeDomain

	// MaxSignerKey bounds the signer's SubjectPublicKeyInfo (RSA-8192 is
	// about 1,100 bytes).
	MaxSignerKey = 2048
	// MaxSignerCerts bounds the certificate chain: the signer's own and
	// up to three intermediates.
	MaxSignerCerts = 4
	// MaxSignerCert bounds one DER certificate.
	MaxSignerCert = 8192
)

// Signature algorithms of the signer block. Each names the key type, the
// hash the signed message goes through and the signature's encoding; the
// signature's size follows from the key.
const (
	SigEd25519ph          = 1 // Ed25519ph (RFC 8032) over SHA-512, context "envseal signed file v2", 64 bytes
	SigECDSAP256SHA256    = 2 // ECDSA P-256 over SHA-256, r || s, 64 bytes
	SigECDSAP384SHA384    = 3 // ECDSA P-384 over SHA-384, r || s, 96 bytes
	SigRSAPSSSHA256       = 4 // RSASSA-PSS, SHA-256, MGF1-SHA-256, modulus-size bytes
	maxSignatureAlgorithm = SigRSAPSSSHA256
)

var (
	// ErrSignature means a signed file's signature does not verify with
	// the public key in its header: the file changed after it was signed.
	ErrSignature = errors.New("signature verification failed")
	// ErrSigned means an operation that would change a signed file's bytes
	// was asked to keep the signature without a key to sign again with.
	ErrSigned = errors.New("the file is signed: changing it needs the signing key, or dropping the signature")
)

// SignerInfo is the signer block of a signed header: who claims to have
// signed the file. Nothing in it is trusted until the signature verified
// and the caller checked the key or certificate against its own policy.
type SignerInfo struct {
	Algorithm     byte
	SignatureSize int
	// PublicKey is the DER SubjectPublicKeyInfo of the signing key.
	PublicKey []byte
	// Certificates are DER X.509 certificates, the signer's first (its
	// public key is PublicKey), then intermediates; possibly none.
	Certificates [][]byte

	pub   crypto.PublicKey
	chain []*x509.Certificate
}

// Public returns the parsed signing public key.
func (s *SignerInfo) Public() crypto.PublicKey { return s.pub }

// Chain returns the parsed certificates, the signer's first.
func (s *SignerInfo) Chain() []*x509.Certificate { return s.chain }

// AlgorithmName names the signature algorithm, for messages.
func (s *SignerInfo) AlgorithmName() string { return algorithmName(s.Algorithm) }

func algorithmName(a byte) string {
	switch a {
	case SigEd25519ph:
		return "ed25519ph"
	case SigECDSAP256SHA256:
		return "ecdsa-p256-sha256"
	case SigECDSAP384SHA384:
		return "ecdsa-p384-sha384"
	case SigRSAPSSSHA256:
		return "rsa-pss-sha256"
	}
	return fmt.Sprintf("unknown (%d)", a)
}

// NewSignerInfo makes the signer block for pub and an optional chain of DER
// certificates, the first of which must certify pub.
func NewSignerInfo(pub crypto.PublicKey, certs [][]byte) (*SignerInfo, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	s := &SignerInfo{PublicKey: spki, Certificates: certs}
	alg, size, err := signerAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	s.Algorithm, s.SignatureSize = alg, size
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func signerAlgorithm(pub crypto.PublicKey) (byte, int, error) {
	size, err := sign.FixedSize(pub)
	if err != nil {
		return 0, 0, err
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return SigEd25519ph, size, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return SigECDSAP256SHA256, size, nil
		}
		return SigECDSAP384SHA384, size, nil
	case *rsa.PublicKey:
		return SigRSAPSSSHA256, size, nil
	}
	return 0, 0, fmt.Errorf("%w: %T", sign.ErrUnsupportedKey, pub)
}

// check parses and cross-checks the block: a key envseal signs with, in
// its one DER encoding, the algorithm and size that key implies, and
// certificates that parse, the first of them for that very key.
func (s *SignerInfo) check() error {
	if len(s.PublicKey) == 0 || len(s.PublicKey) > MaxSignerKey {
		return malformed("signer public key of %d bytes, want 1 to %d", len(s.PublicKey), MaxSignerKey)
	}
	pub, err := x509.ParsePKIXPublicKey(s.PublicKey)
	if err != nil {
		return malformed("signer public key: %v", err)
	}
	if der, err := x509.MarshalPKIXPublicKey(pub); err != nil || !bytes.Equal(der, s.PublicKey) {
		return malformed("signer public key is not in its canonical DER encoding")
	}
	alg, size, err := signerAlgorithm(pub)
	if err != nil {
		return malformed("signer public key: %v", err)
	}
	if alg != s.Algorithm || size != s.SignatureSize {
		return malformed("signer block says %s with %d-byte signatures, its key is %s with %d",
			algorithmName(s.Algorithm), s.SignatureSize, algorithmName(alg), size)
	}
	if len(s.Certificates) > MaxSignerCerts {
		return malformed("%d signer certificates, limit %d", len(s.Certificates), MaxSignerCerts)
	}
	chain := make([]*x509.Certificate, 0, len(s.Certificates))
	for i, der := range s.Certificates {
		if len(der) == 0 || len(der) > MaxSignerCert {
			return malformed("signer certificate of %d bytes, want 1 to %d", len(der), MaxSignerCert)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return malformed("signer certificate %d: %v", i+1, err)
		}
		chain = append(chain, c)
	}
	if len(chain) > 0 && !bytes.Equal(chain[0].RawSubjectPublicKeyInfo, s.PublicKey) {
		return malformed("the signer certificate is for another public key than the signer's")
	}
	s.pub, s.chain = pub, chain
	return nil
}

// appendSigner encodes the signer block.
func appendSigner(b []byte, s *SignerInfo) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	b = append(b, s.Algorithm)
	b = binary.BigEndian.AppendUint16(b, uint16(s.SignatureSize))
	b = binary.BigEndian.AppendUint16(b, uint16(len(s.PublicKey)))
	b = append(b, s.PublicKey...)
	b = append(b, byte(len(s.Certificates)))
	for _, c := range s.Certificates {
		b = binary.BigEndian.AppendUint16(b, uint16(len(c)))
		b = append(b, c...)
	}
	return b, nil
}

func parseSigner(p *parser, h *Header) {
	s := &SignerInfo{}
	s.Algorithm = byte(p.u8())
	if p.err == nil && (s.Algorithm == 0 || s.Algorithm > maxSignatureAlgorithm) {
		p.err = malformed("signature algorithm %d is not one this build knows", s.Algorithm)
	}
	s.SignatureSize = p.u16()
	s.PublicKey = bytes.Clone(p.field(p.u16(), 1, MaxSignerKey, "signer public key"))
	n := p.u8()
	if p.err == nil && n > MaxSignerCerts {
		p.err = malformed("%d signer certificates, limit %d", n, MaxSignerCerts)
	}
	for i := 0; i < n && p.err == nil; i++ {
		s.Certificates = append(s.Certificates, bytes.Clone(p.field(p.u16(), 1, MaxSignerCert, "signer certificate")))
	}
	if p.err == nil {
		p.err = s.check()
	}
	h.Signer = s
}

// signedHash starts the hash of the signed message: the domain, then the
// header as encoded (which parsing guarantees is the header as read).
func (h *Header) signedHash() (hash.Hash, error) {
	sc, err := sign.SchemeFor(h.Signer.pub)
	if err != nil {
		return nil, err
	}
	hdr, err := h.Marshal()
	if err != nil {
		return nil, err
	}
	d := sc.Hash.New()
	d.Write([]byte(SignatureDomain))
	d.Write(hdr)
	return d, nil
}

// signedWriter seals a signed file's payload: everything written to dst
// goes through the running hash, and Close appends the signature.
type signedWriter struct {
	io.WriteCloser // the payload writer, writing to hashed
	hashed         *hashWriter
	dst            io.Writer
	signer         crypto.Signer
	size           int
	closed         bool
}

type hashWriter struct {
	w io.Writer
	h *asyncHash
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	return n, err
}

// asyncHash runs a hash off the calling goroutine, fed copies of what is
// written to it, in order. Hashing on the goroutine that writes the file
// (or reads it) serialises the hash with the stream's ordered writes and
// stalls the AES-GCM pipeline behind it (Ed25519ph's SHA-512 is slower
// than AES-GCM); off it, the hash overlaps with encryption, at the cost
// of one copy and at most asyncBufs buffers in flight. Each Write hashes
// on a goroutine of its own that first waits for the previous one, so
// nothing is left running once the last write is hashed, even if Sum is
// never called (a file abandoned halfway).
type asyncHash struct {
	h    hash.Hash
	free chan []byte
	made int           // buffers allocated, at most asyncBufs
	last chan struct{} // closed when everything written so far is hashed
}

const (
	asyncBufs    = 4
	asyncBufSize = 512 << 10 // a stream batch
)

func newAsyncHash(h hash.Hash) *asyncHash {
	return &asyncHash{h: h, free: make(chan []byte, asyncBufs)}
}

// Write queues a copy of p; it never fails.
func (a *asyncHash) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		var b []byte
		select {
		case b = <-a.free:
		default:
			// Allocate buffers as they are needed, no larger than the
			// writes: a small file costs what it writes, not 2 MiB.
			if a.made < asyncBufs {
				a.made++
				b = make([]byte, min(len(p), asyncBufSize))
			} else {
				b = <-a.free
			}
		}
		k := copy(b, p)
		p = p[k:]
		prev, done := a.last, make(chan struct{})
		a.last = done
		go func() {
			if prev != nil {
				<-prev
			}
			a.h.Write(b[:k])
			a.free <- b
			close(done)
		}()
	}
	return n, nil
}

// Sum waits for everything written to be hashed and returns the digest.
// Write must not be called after it.
func (a *asyncHash) Sum() []byte {
	if a.last != nil {
		<-a.last
	}
	return a.h.Sum(nil)
}

func (w *signedWriter) Close() error {
	if w.closed {
		return errors.New("envelope: writer already closed")
	}
	w.closed = true
	if err := w.WriteCloser.Close(); err != nil {
		return err
	}
	sig, err := sign.SignDigest(w.signer, w.hashed.h.Sum())
	if err != nil {
		return err
	}
	if len(sig) != w.size {
		return fmt.Errorf("the signing key made a %d-byte signature, the header says %d", len(sig), w.size)
	}
	if _, err := w.dst.Write(sig); err != nil {
		return fmt.Errorf("failed to write signature: %w", err)
	}
	return nil
}

// trailer passes its source through, hashing it, except the last n bytes,
// which it holds back: the signature. At most n bytes past what was
// returned are held, so memory stays flat for any file.
type trailer struct {
	src  io.Reader
	h    *asyncHash
	n    int
	buf  []byte
	held int
	err  error
}

func newTrailer(src io.Reader, h hash.Hash, n int) *trailer {
	return &trailer{src: src, h: newAsyncHash(h), n: n, buf: make([]byte, n+256<<10)}
}

func (t *trailer) Read(p []byte) (int, error) {
	for {
		if t.held > t.n && len(p) > 0 {
			k := copy(p, t.buf[:t.held-t.n])
			t.h.Write(p[:k])
			t.held = copy(t.buf, t.buf[k:t.held])
			return k, nil
		}
		if t.err != nil {
			return 0, t.err
		}
		m, err := t.src.Read(t.buf[t.held:])
		t.held += m
		if err != nil {
			t.err = err
		}
	}
}

// verify checks the held-back signature once the source ended.
func (t *trailer) verify(pub crypto.PublicKey) error {
	if t.held != t.n {
		return fmt.Errorf("%w: the signature is truncated", stream.ErrTruncated)
	}
	if err := sign.VerifyDigest(pub, t.h.Sum(), t.buf[:t.n]); err != nil {
		return ErrSignature
	}
	return nil
}

// signedReader releases a signed file's plaintext: every full chunk once
// it authenticated, as for an unsigned file, but the final chunk only
// after the signature verified. A file whose signature fails has then
// released a prefix of whole full chunks, as any failed file may.
type signedReader struct {
	r          io.Reader // the payload reader, reading from t
	t          *trailer
	pub        crypto.PublicKey
	buf        []byte
	start, end int
	total      int64 // plaintext read from r
	released   int64 // plaintext returned
	verified   bool
	err        error
}

func (s *signedReader) Read(p []byte) (int, error) {
	for {
		free := s.total - s.total%stream.ChunkSize
		if s.verified {
			free = s.total
		}
		if n := min(free-s.released, int64(len(p))); n > 0 {
			k := copy(p[:n], s.buf[s.start:s.end])
			s.start += k
			s.released += int64(k)
			return k, nil
		}
		if s.err != nil {
			return 0, s.err
		}
		if s.start > 0 {
			s.end = copy(s.buf, s.buf[s.start:s.end])
			s.start = 0
		}
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		s.total += int64(n)
		switch {
		case err == io.EOF:
			if s.err = s.t.verify(s.pub); s.err == nil {
				s.verified, s.err = true, io.EOF
			}
		case err != nil:
			s.err = err
		}
	}
}

// WriteTo writes the plaintext to w as Read releases it (the final
// chunk only after the signature verified), but lets the payload reader
// write its batches to w itself, straight from its buffers on its
// workers (stream.Reader.WriteTo), instead of copying each through Read.
func (s *signedReader) WriteTo(w io.Writer) (int64, error) {
	wt, ok := s.r.(io.WriterTo)
	if !ok || s.total > 0 || s.err != nil {
		return io.Copy(w, struct{ io.Reader }{s}) // Read was used already
	}
	hb := &holdBack{w: w}
	_, err := wt.WriteTo(hb)
	s.total, s.released = hb.total, hb.total-int64(len(hb.held))
	if err == nil {
		err = s.t.verify(s.pub)
	}
	if err != nil {
		s.err = err
		return s.released, err
	}
	s.verified, s.err = true, io.EOF
	n, err := w.Write(hb.held)
	s.released += int64(n)
	return s.released, err
}

// holdBack passes the plaintext through to w up to the last chunk
// boundary and keeps the rest (less than a chunk), which may be the final
// chunk: it is released only once the signature verified.
type holdBack struct {
	w     io.Writer
	held  []byte
	total int64
}

func (hb *holdBack) Write(p []byte) (int, error) {
	hb.total += int64(len(p))
	keep := int(hb.total % stream.ChunkSize)
	if len(hb.held)+len(p) <= keep {
		hb.held = append(hb.held, p...)
		return len(p), nil
	}
	if len(hb.held) > 0 {
		if _, err := hb.w.Write(hb.held); err != nil {
			return 0, err
		}
		hb.held = hb.held[:0]
	}
	if _, err := hb.w.Write(p[:len(p)-keep]); err != nil {
		return 0, err
	}
	hb.held = append(hb.held, p[len(p)-keep:]...)
	return len(p), nil
}

// openPayload returns the plaintext reader of the payload in src, for a
// signed header one that also verifies the signature.
func (h *Header) openPayload(dataKey, fixed []byte, src io.Reader) (io.Reader, error) {
	if h.Signer == nil {
		return stream.NewReader(dataKey, src, fixed)
	}
	d, err := h.signedHash()
	if err != nil {
		return nil, err
	}
	t := newTrailer(src, d, h.Signer.SignatureSize)
	r, err := stream.NewReader(dataKey, t, fixed)
	if err != nil {
		return nil, err
	}
	return &signedReader{r: r, t: t, pub: h.Signer.pub, buf: make([]byte, stream.ChunkSize+64<<10)}, nil
}

// verifyAt checks the signature of a signed file of size bytes with
// random access: it reads and hashes the whole file, one verifiedBlock at
// a time, and returns the payload's size (the file less header and
// signature) and the payload to decrypt from. For a signed file that is a
// reader that checks every byte it returns against what was hashed: the
// signature vouches for the bytes read during verification, and reading
// the range again from src afterwards would trust the file not to have
// changed in between. A recipient who can write the file (and, holding
// the data key, forge chunks that authenticate) could otherwise swap the
// range after the signature checked out.
func (h *Header) verifyAt(src io.ReaderAt, size int64) (int64, io.ReaderAt, error) {
	payload := size - h.Size()
	if h.Signer == nil {
		return payload, io.NewSectionReader(src, h.Size(), payload), nil
	}
	payload -= int64(h.Signer.SignatureSize)
	if payload < 0 {
		return 0, nil, fmt.Errorf("%w: the signature is truncated", stream.ErrTruncated)
	}
	d, err := h.signedHash()
	if err != nil {
		return 0, nil, err
	}
	v := &verifiedReaderAt{src: io.NewSectionReader(src, h.Size(), payload), size: payload,
		sums: make([][sha256.Size]byte, 0, (payload+verifiedBlock-1)/verifiedBlock)}
	buf := make([]byte, verifiedBlock)
	for off := int64(0); off < payload; off += verifiedBlock {
		b := buf[:min(verifiedBlock, payload-off)]
		if n, err := v.src.ReadAt(b, off); n < len(b) {
			return 0, nil, fmt.Errorf("failed to read payload: %w", err)
		}
		d.Write(b)
		v.sums = append(v.sums, sha256.Sum256(b))
	}
	sig := make([]byte, h.Signer.SignatureSize)
	if n, err := src.ReadAt(sig, size-int64(len(sig))); n < len(sig) {
		return 0, nil, fmt.Errorf("failed to read signature: %w", err)
	}
	if err := sign.VerifyDigest(h.Signer.pub, d.Sum(nil), sig); err != nil {
		return 0, nil, ErrSignature
	}
	return payload, v, nil
}

// verifiedBlock is the unit verifyAt reads and remembers a SHA-256 of:
// 32 bytes of memory per MiB of file (3.2 MB for 100 GB), and at most one
// block read beyond what a random read needs at either end.
const verifiedBlock = 1 << 20

// ErrChanged means a signed file read with random access changed after
// its signature was verified.
var ErrChanged = fmt.Errorf("%w: the file changed after its signature was verified", ErrSignature)

// verifiedReaderAt serves the payload of a signed file in whole blocks
// whose SHA-256 matches the one taken while the signature was verified.
// It keeps the last block it checked, so the chunk-batch reads of a range
// read each block once. Safe for concurrent use, as io.ReaderAt must be.
type verifiedReaderAt struct {
	src  io.ReaderAt
	size int64
	sums [][sha256.Size]byte

	mu    sync.Mutex
	buf   []byte // a block's worth, allocated on the first read
	block int64  // which block buf[:n] holds, if valid
	n     int
	valid bool
}

func (v *verifiedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("envelope: negative offset")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= v.size {
			return n, io.EOF
		}
		b, err := v.load(at / verifiedBlock)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b[at%verifiedBlock:])
	}
	return n, nil
}

// load returns block i, read from src and checked against its sum.
func (v *verifiedReaderAt) load(i int64) ([]byte, error) {
	if v.valid && v.block == i {
		return v.buf[:v.n], nil
	}
	if v.buf == nil {
		v.buf = make([]byte, verifiedBlock)
	}
	v.valid = false
	b := v.buf[:min(verifiedBlock, v.size-i*verifiedBlock)]
	if n, err := v.src.ReadAt(b, i*verifiedBlock); n < len(b) {
		if err == nil || err == io.EOF {
			return nil, ErrChanged
		}
		return nil, fmt.Errorf("failed to read payload: %w", err)
	}
	if sha256.Sum256(b) != v.sums[i] {
		return nil, ErrChanged
	}
	v.block, v.n, v.valid = i, len(b), true
	return b, nil
}
