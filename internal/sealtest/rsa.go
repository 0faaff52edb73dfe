package sealtest

import (
	"crypto/rsa"
	"crypto/x509"
	"testing"
)

// WithExponent returns the RSA public key der (PKIX) with its exponent set
// to e: how the RSA backends' tests make exports with a weak exponent.
func WithExponent(t testing.TB, der []byte, e int) []byte {
	t.Helper()
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	r := *pub.(*rsa.PublicKey)
	r.E = e
	out, err := x509.MarshalPKIXPublicKey(&r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
