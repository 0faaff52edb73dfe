package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

var updateSignedVectors = flag.Bool("update-signed-vectors", false,
	"regenerate only the signed (format version 2) vectors in testdata/vectors, keeping every other vector's bytes")

// signedVectorKeys are the signing keys of the signed vectors: Ed25519
// from a fixed seed, P-256 from a fixed scalar (both reproducible), and an
// RSA-2048 key generated once and then read from the committed file.
func signedVectorKeys(t *testing.T) map[string]crypto.Signer {
	m := map[string]crypto.Signer{
		"signer-ed25519": ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5e}, 32)),
	}
	p256, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), bytes.Repeat([]byte{0x5f}, 32))
	if err != nil {
		t.Fatal(err)
	}
	m["signer-p256"] = p256
	if data, err := os.ReadFile(filepath.Join(vectorDir, "signer-rsa2048.pem")); err == nil {
		block, _ := pem.Decode(data)
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		m["signer-rsa2048"] = k.(crypto.Signer)
	} else {
		m["signer-rsa2048"], _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	return m
}

// signedVectorChain is a CA (Ed25519, from a fixed seed: its certificates
// are reproducible) and a leaf certificate for the P-256 signer.
func signedVectorChain(t *testing.T, leafKey crypto.PublicKey) (ca, leaf []byte) {
	caKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0xca}, 32))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "envseal vectors CA"},
		NotBefore: start, NotAfter: start.AddDate(100, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	ca, err := x509.CreateCertificate(nil, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(ca)
	u, _ := url.Parse("spiffe://example.com/ci")
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "ci.example.com"},
		NotBefore: start, NotAfter: start.AddDate(100, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		DNSNames: []string{"ci.example.com"}, EmailAddresses: []string{"ci@example.com"}, URIs: []*url.URL{u},
	}
	leaf, err = x509.CreateCertificate(nil, leafTmpl, caCert, leafKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return ca, leaf
}

func writeSignedVectors(t *testing.T) {
	keys := signedVectorKeys(t)
	for name, k := range keys {
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		write(t, name+".pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		pub, _ := x509.MarshalPKIXPublicKey(k.Public())
		write(t, name+".pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	}
	ca, leaf := signedVectorChain(t, keys["signer-p256"].Public())
	write(t, "signer-ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca}))
	write(t, "signer-p256.cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf}))

	a, err := localkey.Load(filepath.Join(vectorDir, "key-a.key"), &keyprovider.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seal := func(pt []byte, ctx map[string]string, s crypto.Signer, certs ...[]byte) []byte {
		var buf bytes.Buffer
		w, err := envelope.EncryptWith(t.Context(), &buf, []keyprovider.Wrapper{a}, ctx, &envelope.SealOptions{Signer: s, Certificates: certs})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(pt)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	vs := loadVectors(t)
	kept := vs[:0]
	for _, v := range vs {
		switch {
		case strings.HasPrefix(v.Name, "signed-"), v.Name == "version-3":
			continue
		case v.Name == "version-2":
			// The bytes stay; since version 2 is the signed format, the
			// unsigned header's MAC is now read as a signer block.
			v.Outcome = "malformed-header"
			v.Description = "format version byte of an unsigned file set to 2 (signed): its MAC does not parse as a signer block"
		}
		kept = append(kept, v)
	}
	vs = kept
	add := func(name, desc string, file []byte, outcome string, released []byte) {
		write(t, name+".sealed", file)
		sum := sha256.Sum256(released)
		vs = append(vs, vector{Name: name, File: name + ".sealed", Keys: []string{"key-a.key"},
			Outcome: outcome, ReleasedSHA256: hex.EncodeToString(sum[:]), ReleasedLength: len(released), Description: desc})
	}
	three := pattern(2*stream.ChunkSize + 1000)
	twoFull := three[:2*stream.ChunkSize]
	ctx := map[string]string{"app": "billing", "env": "prod"}
	base := seal(three, ctx, keys["signer-ed25519"])
	// signed-sig-cut drops the last signature byte, and the mutation
	// sweep appends a zero byte to every vector: with a signature ending
	// in 0x00 that would rebuild the valid file.
	for base[len(base)-1] == 0 {
		base = seal(three, ctx, keys["signer-ed25519"])
	}
	v3 := bytes.Clone(base)
	v3[7] = 3
	add("version-3", "format version byte set to 3", v3, "unsupported-version", nil)
	add("signed-ed25519", "signed by signer-ed25519: two full chunks and a short one, with context", base, "ok", three)
	add("signed-empty", "empty plaintext signed by signer-ed25519", seal(nil, nil, keys["signer-ed25519"]), "ok", nil)
	full := pattern(stream.ChunkSize)
	add("signed-exact-chunk", "16384 bytes signed by signer-ed25519: the final chunk is empty", seal(full, nil, keys["signer-ed25519"]), "ok", full)
	p256 := seal([]byte("x"), nil, keys["signer-p256"], leaf)
	add("signed-p256-cert", "one byte signed by signer-p256, with its certificate (issued by signer-ca.pem)", p256, "ok", []byte("x"))
	highS := bytes.Clone(p256)
	s := highS[len(highS)-32:]
	new(big.Int).Sub(elliptic.P256().Params().N, new(big.Int).SetBytes(s)).FillBytes(s)
	add("signed-p256-high-s", "signed-p256-cert with s replaced by n - s: a valid ECDSA signature, but not low-S", highS, "signature", nil)
	add("signed-rsa2048", "one byte signed by signer-rsa2048 (RSASSA-PSS)", seal([]byte("x"), nil, keys["signer-rsa2048"]), "ok", []byte("x"))
	add("signed-sig-flip", "last signature byte flipped: the full chunks are released, the final one is not", flip(base, len(base)-1), "signature", twoFull)
	add("signed-sig-dropped", "the 64-byte signature removed", base[:len(base)-64], "chunk-authentication", twoFull)
	add("signed-sig-cut", "the last signature byte removed", base[:len(base)-1], "chunk-authentication", twoFull)
	add("signed-appended-byte", "one byte appended after the signature", append(bytes.Clone(base), 0), "chunk-authentication", twoFull)
	down := bytes.Clone(base)
	down[7] = 1
	add("signed-as-version-1", "version byte of a signed file set to 1: never opened as unsigned", down, "header-authentication", nil)
	hdr, _ := envelope.Parse(bytes.NewReader(base))
	add("signed-key-flip", "one bit of the signer public key flipped", flip(base, int(hdr.Size())-envelope.MACSize-2), "header-authentication", nil)
	data, _ := json.MarshalIndent(vs, "", "  ")
	write(t, "vectors.json", append(data, '\n'))
}
