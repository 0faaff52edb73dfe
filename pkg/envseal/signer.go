package envseal

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/envseal/envseal/pkg/envelope"
)

// ErrSignerNotTrusted is wrapped by every SignerPolicy refusal: the file
// is unsigned, or signed by a key or certificate the policy does not trust.
var ErrSignerNotTrusted = errors.New("signer not trusted")

// SignerPolicy says whose signature a file must carry. A file is accepted
// if it is signed (format version 2) and its signer key is one of Keys, or
// its embedded certificate chains to Roots for digital signatures, is
// valid at Now, and (if Name is set) names Name. The signature itself is
// verified against the signer key whenever a signed file is opened, with
// or without a policy: a policy adds who that key must be.
//
// The check runs on the parsed header, before any key is used: a file from
// the wrong signer costs no KMS request.
type SignerPolicy struct {
	// Keys are trusted signing public keys.
	Keys []crypto.PublicKey
	// Roots, if set, are trusted CAs for the signer's certificate.
	Roots *x509.CertPool
	// Name, with Roots, must equal one of the certificate's subject
	// alternative names of the kind its syntax gives: a URI if it has
	// "://", an email address if it has "@", else a DNS name (compared
	// case-insensitively). Wildcards do not match: a signer is one
	// identity.
	Name string
	// Now is the time certificates must be valid at; zero is time.Now().
	Now time.Time
}

// Check returns nil if h satisfies the policy; a nil policy accepts any
// file, signed or not.
func (p *SignerPolicy) Check(h *envelope.Header) error {
	if p == nil {
		return nil
	}
	s := h.Signer
	if s == nil {
		return fmt.Errorf("%w: the file is not signed", ErrSignerNotTrusted)
	}
	for _, k := range p.Keys {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err == nil && bytes.Equal(der, s.PublicKey) {
			return nil
		}
	}
	if p.Roots == nil {
		return fmt.Errorf("%w: signed by key %s, which is not one of the given signers", ErrSignerNotTrusted, KeyFingerprint(s.PublicKey))
	}
	chain := s.Chain()
	if len(chain) == 0 {
		return fmt.Errorf("%w: signed by key %s, with no certificate to check against the CA bundle", ErrSignerNotTrusted, KeyFingerprint(s.PublicKey))
	}
	return VerifySignerCert(chain[0], chain[1:], p.Roots, p.Name, p.Now)
}

// VerifySignerCert checks a signer's certificate: it chains to roots
// through intermediates, is valid at now (zero: time.Now()), may sign
// (key usage digitalSignature; extended key usage, if any, codeSigning or
// any), and names name (if not empty). envseal verify --cert uses it too.
func VerifySignerCert(leaf *x509.Certificate, intermediates []*x509.Certificate, roots *x509.CertPool, name string, now time.Time) error {
	if now.IsZero() {
		now = time.Now()
	}
	pool := x509.NewCertPool()
	for _, c := range intermediates {
		pool.AddCert(c)
	}
	if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return fmt.Errorf("%w: certificate %q does not allow digital signatures (key usage)", ErrSignerNotTrusted, leaf.Subject)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: pool, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	})
	if err != nil {
		return fmt.Errorf("%w: certificate %q: %v", ErrSignerNotTrusted, leaf.Subject, err)
	}
	if name != "" && !certNames(leaf, name) {
		return fmt.Errorf("%w: certificate %q does not name %q as %s (it names %s)", ErrSignerNotTrusted, leaf.Subject, name, nameKind(name), quotedNames(leaf))
	}
	return nil
}

// nameKind is the kind of SAN a signer name is compared with, by its
// syntax: a URI has "://", an email address "@", anything else is a DNS
// name. Comparing with every kind would let a CA that vouches for a URI
// or DNS name spelled like an address (URI:ci@example.com) certify the
// address ci@example.com, which it never checked.
func nameKind(name string) string {
	switch {
	case strings.Contains(name, "://"):
		return "URI"
	case strings.Contains(name, "@"):
		return "email"
	}
	return "DNS"
}

func certNames(c *x509.Certificate, name string) bool {
	switch nameKind(name) {
	case "URI":
		for _, u := range c.URIs {
			if u.String() == name {
				return true
			}
		}
	case "email":
		for _, e := range c.EmailAddresses {
			if e == name {
				return true
			}
		}
	default:
		for _, d := range c.DNSNames {
			if strings.EqualFold(d, name) {
				return true
			}
		}
	}
	return false
}

// quotedNames lists a certificate's SANs for a message, each quoted: they
// come from the file, and a name with terminal escapes must not reach the
// user's terminal as such.
func quotedNames(c *x509.Certificate) string {
	names := CertNames(c)
	if len(names) == 0 {
		return "no DNS, email or URI name"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// CertNames lists a certificate's DNS, email and URI subject alternative
// names.
func CertNames(c *x509.Certificate) []string {
	var names []string
	names = append(names, c.DNSNames...)
	names = append(names, c.EmailAddresses...)
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	return names
}

// KeyFingerprint is "SHA256:" and the hex SHA-256 of a DER
// SubjectPublicKeyInfo: `openssl pkey -pubin -outform DER | sha256sum`.
func KeyFingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	return "SHA256:" + hex.EncodeToString(sum[:])
}

// SignerInfo describes the signer block of a signed file, for Inspect.
// Nothing in it is verified: Inspect reads no signature.
type SignerInfo struct {
	Algorithm      string `json:"algorithm"`
	SignatureBytes int    `json:"signature_bytes"`
	KeyFingerprint string `json:"key_fingerprint"`
	// Certificate describes the embedded certificate chain, the signer's
	// first; empty without one.
	Certificates []CertInfo `json:"certificates,omitempty"`
	Verified     bool       `json:"verified"`
}

// CertInfo describes one embedded certificate.
type CertInfo struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Names     []string  `json:"names,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
}

func signerInfo(s *envelope.SignerInfo) *SignerInfo {
	if s == nil {
		return nil
	}
	si := &SignerInfo{Algorithm: s.AlgorithmName(), SignatureBytes: s.SignatureSize, KeyFingerprint: KeyFingerprint(s.PublicKey)}
	for _, c := range s.Chain() {
		si.Certificates = append(si.Certificates, CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(),
			Names: CertNames(c), NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC()})
	}
	return si
}
