package awskms_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// The worked example of the awskms-rsaes-oaep-sha-256 stanza in
// docs/FORMAT.md: RSAES-OAEP-SHA-256 of the data key under the test key
// testdata/rsa-vector.pem with a fixed seed. It is computed here by a
// from-scratch OAEP encoding (RFC 8017, section 7.1.1), checked against
// the documented bytes and decrypted by crypto/rsa, so the document, this
// encoding and the library agree.
const (
	vectorARN     = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
	vectorDataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	vectorSeed    = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
)

func TestRSAStanzaVector(t *testing.T) {
	data, err := os.ReadFile("testdata/rsa-vector.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	priv := k.(*rsa.PrivateKey)
	dk, _ := hex.DecodeString(vectorDataKey)
	seed, _ := hex.DecodeString(vectorSeed)
	body := oaepEncrypt(&priv.PublicKey, dk, seed)

	got, err := rsa.DecryptOAEP(sha256.New(), nil, priv, body, nil)
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("crypto/rsa does not decrypt the vector: %v", err)
	}
	doc, err := os.ReadFile("../../../docs/FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	for name, want := range map[string]string{
		"modulus n":   hex.EncodeToString(priv.N.Bytes()),
		"stanza body": hex.EncodeToString(body),
	} {
		if !strings.Contains(strings.Join(strings.Fields(string(doc)), ""), want) {
			t.Errorf("docs/FORMAT.md lacks the %s:\n%s", name, wrapHex(want))
		}
	}
	// The stanza as the backend makes it: the same type, key id and layout.
	pub, err := awskms.NewPublicRecipient(&keyprovider.PublicKey{Scheme: "awskms", DER: der,
		Attrs: map[string]string{"Key-Id": vectorARN, "Algorithm": "RSAES_OAEP_SHA_256"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := pub.Wrap(t.Context(), dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Type != "awskms-rsaes-oaep-sha-256" || s.KeyID != vectorARN || len(s.Body) != 256 {
		t.Fatalf("stanza %s %s %d", s.Type, s.KeyID, len(s.Body))
	}
	if got, err := rsa.DecryptOAEP(sha256.New(), nil, priv, s.Body, nil); err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("the backend's stanza does not decrypt: %v", err)
	}
}

// oaepEncrypt is RSAES-OAEP-ENCRYPT with SHA-256, MGF1-SHA-256, an empty
// label and the given seed, written out from RFC 8017.
func oaepEncrypt(pub *rsa.PublicKey, msg, seed []byte) []byte {
	k := (pub.N.BitLen() + 7) / 8
	lHash := sha256.Sum256(nil)
	db := make([]byte, 0, k-32-1)
	db = append(db, lHash[:]...)
	db = append(db, make([]byte, k-len(msg)-2*32-2)...)
	db = append(db, 0x01)
	db = append(db, msg...)
	xor(db, mgf1(seed, len(db)))
	maskedSeed := bytes.Clone(seed)
	xor(maskedSeed, mgf1(db, 32))
	em := append(append([]byte{0x00}, maskedSeed...), db...)
	c := new(big.Int).Exp(new(big.Int).SetBytes(em), big.NewInt(int64(pub.E)), pub.N)
	return c.FillBytes(make([]byte, k))
}

func mgf1(seed []byte, n int) []byte {
	var out []byte
	for i := uint32(0); len(out) < n; i++ {
		h := sha256.New()
		h.Write(seed)
		h.Write([]byte{byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)})
		out = h.Sum(out)
	}
	return out[:n]
}

func xor(dst, mask []byte) {
	for i := range dst {
		dst[i] ^= mask[i]
	}
}

func wrapHex(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	return b.String() + s
}
