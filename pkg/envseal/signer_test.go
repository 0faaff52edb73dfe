package envseal_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
)

// testCA issues certificates for SignerPolicy's table.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	pool *x509.CertPool
}

var policyStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestCA(t *testing.T, cn string) *testCA {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: policyStart, NotAfter: policyStart.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return &testCA{cert: c, key: key, pool: pool}
}

// leaf certifies pub; edit changes the template before signing.
func (ca *testCA) leaf(t *testing.T, pub crypto.PublicKey, edit func(*x509.Certificate)) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "ci signer"},
		NotBefore: policyStart, NotAfter: policyStart.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	if edit != nil {
		edit(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func signedHeader(t *testing.T, pub crypto.PublicKey, certs ...[]byte) *envelope.Header {
	t.Helper()
	si, err := envelope.NewSignerInfo(pub, certs)
	if err != nil {
		t.Fatal(err)
	}
	return &envelope.Header{Signer: si}
}

func TestSignerPolicy(t *testing.T) {
	k1, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k2, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca, evil := newTestCA(t, "Test CA"), newTestCA(t, "Evil CA")
	spiffe, _ := url.Parse("spiffe://example.com/ci")
	uriAt, _ := url.Parse("ci@example.com") // a URI SAN spelled like an address
	names := func(c *x509.Certificate) {
		c.DNSNames = []string{"ci.example.com"}
		c.EmailAddresses = []string{"ci@example.com"}
		c.URIs = []*url.URL{spiffe}
	}
	now := policyStart.AddDate(0, 1, 0)
	withCert := func(edit func(*x509.Certificate)) *envelope.Header {
		return signedHeader(t, k1.Public(), ca.leaf(t, k1.Public(), edit))
	}
	tests := []struct {
		name    string
		policy  *envseal.SignerPolicy
		header  *envelope.Header
		wantErr string // "" accepts
	}{
		{"nil policy, unsigned", nil, &envelope.Header{}, ""},
		{"nil policy, signed", nil, signedHeader(t, k1.Public()), ""},
		{"key policy, unsigned", &envseal.SignerPolicy{Keys: []crypto.PublicKey{k1.Public()}}, &envelope.Header{}, "the file is not signed"},
		{"key matches", &envseal.SignerPolicy{Keys: []crypto.PublicKey{k1.Public()}}, signedHeader(t, k1.Public()), ""},
		{"second key matches", &envseal.SignerPolicy{Keys: []crypto.PublicKey{k2.Public(), k1.Public()}}, signedHeader(t, k1.Public()), ""},
		{"other key", &envseal.SignerPolicy{Keys: []crypto.PublicKey{k2.Public()}}, signedHeader(t, k1.Public()), "which is not one of the given signers"},
		{"key policy ignores a certificate", &envseal.SignerPolicy{Keys: []crypto.PublicKey{k2.Public()}}, withCert(nil), "not one of the given signers"},
		{"CA, no certificate", &envseal.SignerPolicy{Roots: ca.pool, Now: now}, signedHeader(t, k1.Public()), "no certificate to check against the CA bundle"},
		{"CA chains", &envseal.SignerPolicy{Roots: ca.pool, Now: now}, withCert(nil), ""},
		{"key or CA: the CA accepts", &envseal.SignerPolicy{Keys: []crypto.PublicKey{k2.Public()}, Roots: ca.pool, Now: now}, withCert(nil), ""},
		{"other CA", &envseal.SignerPolicy{Roots: evil.pool, Now: now}, withCert(nil), "unknown authority"},
		{"expired", &envseal.SignerPolicy{Roots: ca.pool, Now: policyStart.AddDate(2, 0, 0)}, withCert(nil), "expired"},
		{"not yet valid", &envseal.SignerPolicy{Roots: ca.pool, Now: policyStart.AddDate(0, 0, -1)}, withCert(nil), "expired or is not yet valid"},
		{"no digitalSignature", &envseal.SignerPolicy{Roots: ca.pool, Now: now},
			withCert(func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment }), "does not allow digital signatures"},
		{"serverAuth only", &envseal.SignerPolicy{Roots: ca.pool, Now: now},
			withCert(func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }), "incompatible key usage"},
		{"no EKU", &envseal.SignerPolicy{Roots: ca.pool, Now: now},
			withCert(func(c *x509.Certificate) { c.ExtKeyUsage = nil }), ""},
		{"DNS name", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "ci.example.com"}, withCert(names), ""},
		{"DNS name, other case", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "CI.Example.COM"}, withCert(names), ""},
		{"email name", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "ci@example.com"}, withCert(names), ""},
		{"URI name", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "spiffe://example.com/ci"}, withCert(names), ""},
		{"other name", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "other@example.com"}, withCert(names), `does not name "other@example.com" as email`},
		{"wildcard does not match", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "ci.example.com"},
			withCert(func(c *x509.Certificate) { c.DNSNames = []string{"*.example.com"} }), "does not name"},
		{"email name, URI SAN only", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "ci@example.com"},
			withCert(func(c *x509.Certificate) { c.URIs = []*url.URL{uriAt} }), `does not name "ci@example.com" as email`},
		{"email name, DNS SAN only", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "ci@example.com"},
			withCert(func(c *x509.Certificate) { c.DNSNames = []string{"ci@example.com"} }), "does not name"},
		{"DNS name, email SAN only", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "example.com"},
			withCert(func(c *x509.Certificate) { c.EmailAddresses = []string{"example.com"} }), "as DNS"},
		{"names are quoted", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "x.example.com"},
			withCert(func(c *x509.Certificate) { c.EmailAddresses = []string{"a\x1b]0;pwned\x07@example.com"} }), `(it names "a\x1b]0;pwned\a@example.com")`},
		{"no names", &envseal.SignerPolicy{Roots: ca.pool, Now: now, Name: "x.example.com"}, withCert(nil), "no DNS, email or URI name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(tt.header)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr == "":
			case err == nil:
				t.Fatalf("accepted, want %q", tt.wantErr)
			case !errors.Is(err, envseal.ErrSignerNotTrusted):
				t.Fatalf("%v does not wrap ErrSignerNotTrusted", err)
			case !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q, want it to contain %q", err, tt.wantErr)
			case strings.ContainsAny(err.Error(), "\x1b\x07\n"):
				t.Fatalf("error %q holds control characters", err)
			}
		})
	}
}
