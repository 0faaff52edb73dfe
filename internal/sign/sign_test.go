package sign_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/envseal/envseal/internal/sign"
)

// keys are generated once: RSA generation is slow.
var keys = sync.OnceValue(func() map[string]crypto.Signer {
	m := map[string]crypto.Signer{}
	_, m["ed25519"], _ = ed25519.GenerateKey(rand.Reader)
	m["ecdsa-p256"], _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	m["ecdsa-p384"], _ = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	m["rsa-2048"], _ = rsa.GenerateKey(rand.Reader, 2048)
	m["rsa-3072"], _ = rsa.GenerateKey(rand.Reader, 3072)
	return m
})

func TestSignVerify(t *testing.T) {
	for name, key := range keys() {
		for _, msg := range []string{"", "hello", strings.Repeat("x", 3<<20)} {
			sig, err := sign.Sign(key, strings.NewReader(msg))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := sign.Verify(key.Public(), strings.NewReader(msg), sig); err != nil {
				t.Errorf("%s, %d bytes: %v", name, len(msg), err)
			}
			tampered := msg + "!"
			if err := sign.Verify(key.Public(), strings.NewReader(tampered), sig); !errors.Is(err, sign.ErrVerification) {
				t.Errorf("%s: tampered input: %v, want ErrVerification", name, err)
			}
		}
	}
}

// TestWrongKeyOrAlgorithm: a signature checked with any other key, of the
// same type or not, fails as a verification failure, never a panic or an
// error of another kind.
func TestWrongKeyOrAlgorithm(t *testing.T) {
	sigs := map[string][]byte{}
	for name, key := range keys() {
		sig, err := sign.Sign(key, strings.NewReader("msg"))
		if err != nil {
			t.Fatal(err)
		}
		sigs[name] = sig
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for signer, sig := range sigs {
		for verifier, key := range keys() {
			if signer == verifier {
				continue
			}
			if err := sign.Verify(key.Public(), strings.NewReader("msg"), sig); !errors.Is(err, sign.ErrVerification) {
				t.Errorf("%s signature, %s key: %v", signer, verifier, err)
			}
		}
		if err := sign.Verify(other.Public(), strings.NewReader("msg"), sig); !errors.Is(err, sign.ErrVerification) {
			t.Errorf("%s signature, another P-256 key: %v", signer, err)
		}
		for _, bad := range [][]byte{nil, {0}, sig[:len(sig)-1], append(bytes.Clone(sig), 0)} {
			if err := sign.Verify(keys()[signer].Public(), strings.NewReader("msg"), bad); !errors.Is(err, sign.ErrVerification) {
				t.Errorf("%s: mangled %d-byte signature: %v", signer, len(bad), err)
			}
		}
	}
}

// TestEncodings pins the documented signature formats by checking them
// with the standard library directly, as OpenSSL would.
func TestEncodings(t *testing.T) {
	msg := []byte("interop")
	d256, d384, d512 := sha256.Sum256(msg), sha512.Sum384(msg), sha512.Sum512(msg)
	sigOf := func(name string) []byte {
		sig, err := sign.Sign(keys()[name], bytes.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	if !ecdsa.VerifyASN1(keys()["ecdsa-p256"].Public().(*ecdsa.PublicKey), d256[:], sigOf("ecdsa-p256")) {
		t.Error("P-256: not DER ECDSA over SHA-256")
	}
	if !ecdsa.VerifyASN1(keys()["ecdsa-p384"].Public().(*ecdsa.PublicKey), d384[:], sigOf("ecdsa-p384")) {
		t.Error("P-384: not DER ECDSA over SHA-384")
	}
	// The salt must be exactly the hash length: that is what is documented.
	pss := &rsa.PSSOptions{SaltLength: sha256.Size}
	if err := rsa.VerifyPSS(keys()["rsa-3072"].Public().(*rsa.PublicKey), crypto.SHA256, d256[:], sigOf("rsa-3072"), pss); err != nil {
		t.Errorf("RSA: not PSS-SHA256 with a 32-byte salt: %v", err)
	}
	ph := &ed25519.Options{Hash: crypto.SHA512}
	if err := ed25519.VerifyWithOptions(keys()["ed25519"].Public().(ed25519.PublicKey), d512[:], sigOf("ed25519"), ph); err != nil {
		t.Errorf("Ed25519: not Ed25519ph: %v", err)
	}
}

// TestVerifyAcceptsAnyPSSSalt: OpenSSL's default PSS salt is the maximum,
// not the hash length; such signatures must verify.
func TestVerifyAcceptsAnyPSSSalt(t *testing.T) {
	key := keys()["rsa-2048"].(*rsa.PrivateKey)
	d := sha256.Sum256([]byte("m"))
	for _, salt := range []int{rsa.PSSSaltLengthAuto, 0, 20} {
		sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: salt})
		if err != nil {
			t.Fatal(err)
		}
		if err := sign.Verify(key.Public(), strings.NewReader("m"), sig); err != nil {
			t.Errorf("salt length %d: %v", salt, err)
		}
	}
	// PKCS#1 v1.5 is not PSS: openssl dgst -sign without -sigopt makes it.
	v15, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	if err := sign.Verify(key.Public(), strings.NewReader("m"), v15); !errors.Is(err, sign.ErrVerification) {
		t.Errorf("PKCS#1 v1.5 signature: %v, want ErrVerification", err)
	}
}

func TestSchemeFor(t *testing.T) {
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	tests := []struct {
		pub  crypto.PublicKey
		name string
		hash crypto.Hash
	}{
		{keys()["ed25519"].Public(), "ed25519ph", crypto.SHA512},
		{keys()["ecdsa-p256"].Public(), "ecdsa-p256-sha256", crypto.SHA256},
		{keys()["ecdsa-p384"].Public(), "ecdsa-p384-sha384", crypto.SHA384},
		{keys()["rsa-3072"].Public(), "rsa-3072-pss-sha256", crypto.SHA256},
		{p521.Public(), "", 0},
		{&rsa.PublicKey{N: new(rsa.PublicKey).N, E: 65537}, "", 0},
		{ed25519.PublicKey{1, 2}, "", 0},
		{"not a key", "", 0},
	}
	for _, tt := range tests {
		if k, ok := tt.pub.(*rsa.PublicKey); ok && k.N == nil {
			small, _ := rsa.GenerateKey(rand.Reader, 1024)
			tt.pub = small.Public()
		}
		sc, err := sign.SchemeFor(tt.pub)
		if tt.name == "" {
			if !errors.Is(err, sign.ErrUnsupportedKey) {
				t.Errorf("SchemeFor(%T) = %v, want ErrUnsupportedKey", tt.pub, err)
			}
			continue
		}
		if err != nil || sc.Name != tt.name || sc.Hash != tt.hash || sc.Opts.HashFunc() != tt.hash {
			t.Errorf("SchemeFor(%T) = %+v, %v", tt.pub, sc, err)
		}
	}
}

// badSigner signs with one key and claims another's public key, as a token
// whose public key object belongs to another private key would.
type badSigner struct {
	crypto.Signer
	pub crypto.PublicKey
	err error
}

func (b badSigner) Public() crypto.PublicKey { return b.pub }
func (b badSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.Signer.Sign(r, d, o)
}

func TestSignChecksTheBackend(t *testing.T) {
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	s := badSigner{Signer: keys()["ecdsa-p256"], pub: other.Public()}
	if _, err := sign.Sign(s, strings.NewReader("m")); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("mismatched backend: %v", err)
	}
	boom := errors.New("token removed")
	s = badSigner{Signer: other, pub: other.Public(), err: boom}
	if _, err := sign.Sign(s, strings.NewReader("m")); !errors.Is(err, boom) {
		t.Errorf("failing backend: %v", err)
	}
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if _, err := sign.Sign(p521, strings.NewReader("m")); !errors.Is(err, sign.ErrUnsupportedKey) {
		t.Errorf("P-521: %v", err)
	}
}

// zeros is an endless reader of zero bytes that allocates nothing.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestSignStreamsInFlatMemory signs and verifies 1 GiB: the bytes
// allocated must stay near one read buffer, whatever the input size.
func TestSignStreamsInFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 2 GiB")
	}
	const size = 1 << 30
	key := keys()["ecdsa-p256"]
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sig, err := sign.Sign(key, io.LimitReader(zeros{}, size))
	if err != nil {
		t.Fatal(err)
	}
	if err := sign.Verify(key.Public(), io.LimitReader(zeros{}, size), sig); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("signing and verifying 1 GiB allocated %d MiB", alloc>>20)
	}
}
