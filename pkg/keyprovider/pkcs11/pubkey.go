//go:build cgo

package pkcs11

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/asn1"
	"fmt"
	"math/big"

	p11 "github.com/miekg/pkcs11"
)

// publicKey reads the public half of the private key priv from the public
// key object with the same id (or, without an id, the same label): EC
// private keys do not carry their point.
func (t *token) publicKey(priv object) (crypto.PublicKey, error) {
	tmpl := []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, p11.CKO_PUBLIC_KEY)}
	if len(priv.id) > 0 {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_ID, priv.id))
	} else {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_LABEL, priv.label))
	}
	hs, err := t.search(tmpl)
	if err != nil {
		return nil, err
	}
	if len(hs) != 1 {
		return nil, fmt.Errorf("found %d public keys for private key %q on token %q, want 1: %w",
			len(hs), priv.label, t.label, ErrObjectNotFound)
	}
	if priv.keyType == p11.CKK_EC {
		return t.ecPublicKey(hs[0])
	}
	return t.rsaPublicKey(hs[0])
}

var curves = []struct {
	oid   asn1.ObjectIdentifier
	curve elliptic.Curve
}{{oidP256, elliptic.P256()}, {oidP384, elliptic.P384()}}

func (t *token) ecPublicKey(h p11.ObjectHandle) (*ecdsa.PublicKey, error) {
	a, err := t.attrs(h, p11.CKA_EC_PARAMS, p11.CKA_EC_POINT)
	if err != nil {
		return nil, err
	}
	var oid asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(a[0], &oid); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("token %q: EC key has unsupported parameters (not a named curve)", t.label)
	}
	for _, c := range curves {
		if oid.Equal(c.oid) {
			return ecdsa.ParseUncompressedPublicKey(c.curve, ecPoint(a[1]))
		}
	}
	return nil, fmt.Errorf("token %q: EC key on curve %v is not supported (want P-256 or P-384)", t.label, oid)
}

// ecPoint unwraps CKA_EC_POINT, which PKCS#11 says is a DER OCTET STRING
// but some tokens return as the bare uncompressed point.
func ecPoint(b []byte) []byte {
	var inner []byte
	if rest, err := asn1.Unmarshal(b, &inner); err == nil && len(rest) == 0 && len(inner) > 0 && inner[0] == 4 {
		return inner
	}
	return b
}

func (t *token) rsaPublicKey(h p11.ObjectHandle) (*rsa.PublicKey, error) {
	a, err := t.attrs(h, p11.CKA_MODULUS, p11.CKA_PUBLIC_EXPONENT)
	if err != nil {
		return nil, err
	}
	e := new(big.Int).SetBytes(bytes.TrimLeft(a[1], "\x00"))
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
		return nil, fmt.Errorf("token %q: RSA key has an unsupported public exponent", t.label)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(a[0]), E: int(e.Int64())}, nil
}
