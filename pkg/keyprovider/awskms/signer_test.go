package awskms_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// newSigningKey creates a key of spec and usage behind a fresh alias on
// the shared server and returns the alias URI.
func newSigningKey(t *testing.T, spec, usage string) string {
	t.Helper()
	uri := testkms.Get(t).URI("alias/" + randomName(t))
	if _, err := openKey(t, uri).Create(t.Context(), spec, usage, "envseal signing test key"); err != nil {
		t.Fatal(err)
	}
	return uri
}

func digestOf(h crypto.Hash, msg string) []byte {
	d := h.New()
	d.Write([]byte(msg))
	return d.Sum(nil)
}

// Every signing spec signs digests that crypto/ecdsa and crypto/rsa
// verify, with each hash KMS allows for it.
func TestSignerSpecs(t *testing.T) {
	tests := []struct {
		spec   string
		curve  elliptic.Curve // nil for RSA
		bits   int
		hashes []crypto.Hash
	}{
		{"ECC_NIST_P256", elliptic.P256(), 256, []crypto.Hash{crypto.SHA256}},
		{"ECC_NIST_P384", elliptic.P384(), 384, []crypto.Hash{crypto.SHA384}},
		{"RSA_2048", nil, 2048, []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512}},
		{"RSA_3072", nil, 3072, []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := openKey(t, newSigningKey(t, tt.spec, "SIGN_VERIFY")).Signer(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.hashes {
				d := digestOf(h, "message")
				if tt.curve != nil {
					checkECDSA(t, s, tt.curve, h, d)
				} else {
					checkPSS(t, s, tt.bits, h, d)
				}
			}
		})
	}
}

func checkECDSA(t *testing.T, s crypto.Signer, curve elliptic.Curve, h crypto.Hash, d []byte) {
	t.Helper()
	pub, ok := s.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != curve {
		t.Fatalf("public key is %T, want ECDSA on %s", s.Public(), curve.Params().Name)
	}
	sig, err := s.Sign(nil, d, h)
	if err != nil {
		t.Fatalf("%v: %v", h, err)
	}
	if !ecdsa.VerifyASN1(pub, d, sig) {
		t.Errorf("%v: not a DER ECDSA signature of the digest", h)
	}
	if ecdsa.VerifyASN1(pub, digestOf(h, "other"), sig) {
		t.Errorf("%v: signature verifies another digest", h)
	}
}

// checkPSS verifies with PSSSaltLengthAuto: AWS KMS salts with the hash
// length, but local-kms signs with Go's default, the maximum salt.
func checkPSS(t *testing.T, s crypto.Signer, bits int, h crypto.Hash, d []byte) {
	t.Helper()
	pub, ok := s.Public().(*rsa.PublicKey)
	if !ok || pub.N.BitLen() != bits {
		t.Fatalf("public key is %T, want %d-bit RSA", s.Public(), bits)
	}
	sig, err := s.Sign(nil, d, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
	if err != nil {
		t.Fatalf("%v: %v", h, err)
	}
	auto := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}
	if err := rsa.VerifyPSS(pub, h, d, sig, auto); err != nil {
		t.Errorf("%v: not an RSA-PSS signature of the digest: %v", h, err)
	}
	if rsa.VerifyPSS(pub, h, digestOf(h, "other"), sig, auto) == nil {
		t.Errorf("%v: signature verifies another digest", h)
	}
}

// internal/sign streams any size through a local hash: 5 MiB is far over KMS's
// 4096-byte limit on raw messages, and KMS sees only the digest.
func TestSignerWithPackageSign(t *testing.T) {
	for _, spec := range []string{"ECC_NIST_P256", "ECC_NIST_P384", "RSA_3072"} {
		s, err := openKey(t, newSigningKey(t, spec, "SIGN_VERIFY")).Signer(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		msg := strings.Repeat("x", 5<<20)
		sig, err := sign.Sign(s, strings.NewReader(msg))
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if err := sign.Verify(s.Public(), strings.NewReader(msg), sig); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
		if err := sign.Verify(s.Public(), strings.NewReader(msg+"!"), sig); err == nil {
			t.Errorf("%s: signature verifies a longer input", spec)
		}
	}
}

// The public key is fetched once per Key, and each signature is one Sign
// request: no DescribeKey, no retries, no Verify.
func TestSignerRequests(t *testing.T) {
	var rec testkms.Recorder
	k := openKey(t, newSigningKey(t, "ECC_NIST_P256", "SIGN_VERIFY"), rec.Option())
	for range 2 {
		s, err := k.Signer(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range []string{"a", "b"} {
			if _, err := sign.Sign(s, strings.NewReader(msg)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if g, s, n := rec.Count("GetPublicKey"), rec.Count("Sign"), len(rec.Calls()); g != 1 || s != 4 || n != 5 {
		t.Errorf("%d GetPublicKey, %d Sign, %d requests in all: %v", g, s, n, rec.Calls())
	}
	if _, err := k.ARN(t.Context()); err != nil || len(rec.Calls()) != 5 {
		t.Errorf("the alias was not resolved by GetPublicKey: %v, %v", err, rec.Calls())
	}
}

// Keys that cannot sign are refused at Signer, before any Sign request,
// with a hint to make a signing key.
func TestSignerRefusesEncryptionKeys(t *testing.T) {
	srv := testkms.Get(t)
	var rec testkms.Recorder
	for _, uri := range []string{
		srv.URI(testkms.DemoAlias), // SYMMETRIC_DEFAULT
		newSigningKey(t, "RSA_2048", "ENCRYPT_DECRYPT"),
	} {
		_, err := openKey(t, uri, rec.Option()).Signer(t.Context())
		e := wantKind(t, err, awskms.ErrKeyUsage)
		if !strings.Contains(e.Hint(), "SIGN_VERIFY") {
			t.Errorf("hint %q does not say how to make a signing key", e.Hint())
		}
	}
	if n := rec.Count("Sign"); n != 0 {
		t.Errorf("%d Sign requests", n)
	}
}

// Options KMS cannot honour for the key are refused before a request.
func TestSignerRefusesBadOptions(t *testing.T) {
	var rec testkms.Recorder
	ec, err := openKey(t, newSigningKey(t, "ECC_NIST_P256", "SIGN_VERIFY"), rec.Option()).Signer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := openKey(t, newSigningKey(t, "RSA_2048", "SIGN_VERIFY"), rec.Option()).Signer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	d256, d384 := sha256.Sum256(nil), sha512.Sum384(nil)
	tests := []struct {
		name   string
		s      crypto.Signer
		digest []byte
		opts   crypto.SignerOpts
	}{
		{"ECDSA: no hash", ec, d256[:], nil},
		{"ECDSA: hash the spec does not allow", ec, d384[:], crypto.SHA384},
		{"ECDSA: short digest", ec, d256[:31], crypto.SHA256},
		{"ECDSA: PSS options", ec, d256[:], &rsa.PSSOptions{Hash: crypto.SHA256}},
		{"ECDSA: SHA-1", ec, make([]byte, 20), crypto.SHA1},
		{"RSA: PKCS #1 v1.5", rsaKey, d256[:], crypto.SHA256},
		{"RSA: explicit salt", rsaKey, d256[:], &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: 20}},
		{"RSA: long digest", rsaKey, d384[:], &rsa.PSSOptions{Hash: crypto.SHA256}},
	}
	for _, tt := range tests {
		_, err := tt.s.Sign(nil, tt.digest, tt.opts)
		t.Log(tt.name)
		wantKind(t, err, awskms.ErrInvalidArgument)
	}
	if n := rec.Count("Sign"); n != 0 {
		t.Errorf("%d Sign requests", n)
	}
}

func TestSignerKeyNotFound(t *testing.T) {
	_, err := openKey(t, testkms.Get(t).URI("alias/DoesNotExist")).Signer(t.Context())
	wantKind(t, err, awskms.ErrKeyNotFound)
}

// A key disabled after its signer was made fails at Sign, with KMS's word.
func TestSignerKeyDisabled(t *testing.T) {
	k := openKey(t, newSigningKey(t, "ECC_NIST_P256", "SIGN_VERIFY"))
	s, err := k.Signer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	arn, _ := k.ARN(t.Context())
	if _, err := k.Client().API().DisableKey(t.Context(), &kms.DisableKeyInput{KeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	_, err = sign.Sign(s, strings.NewReader("m"))
	wantKind(t, err, awskms.ErrKeyDisabled)
}

// Sign requests are pinned to the key Public describes: an alias moved
// after the signer was made still gets signatures from the first key.
func TestSignerPinnedToARN(t *testing.T) {
	uri := newSigningKey(t, "ECC_NIST_P256", "SIGN_VERIFY")
	k := openKey(t, uri)
	s, err := k.Signer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other, err := openKey(t, newSigningKey(t, "ECC_NIST_P256", "SIGN_VERIFY")).ARN(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	alias := k.KeyID()
	if _, err := k.Client().API().UpdateAlias(t.Context(), &kms.UpdateAliasInput{AliasName: &alias, TargetKeyId: &other}); err != nil {
		t.Fatal(err)
	}
	sig, err := sign.Sign(s, strings.NewReader("m"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sign.Verify(s.Public(), strings.NewReader("m"), sig); err != nil {
		t.Error(err)
	}
	moved, err := openKey(t, uri).Signer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if moved.Public().(*ecdsa.PublicKey).Equal(s.Public()) {
		t.Error("the alias did not move; the test proves nothing")
	}
}

// Specs envseal has no signature scheme for are refused at Signer.
func TestSignerRefusesOtherSpecs(t *testing.T) {
	c := openKey(t, testkms.Get(t).URI(testkms.DemoAlias)).Client()
	for _, spec := range []types.KeySpec{types.KeySpecEccNistP521, types.KeySpecEccSecgP256k1} {
		out, err := c.API().CreateKey(t.Context(), &kms.CreateKeyInput{KeySpec: spec, KeyUsage: types.KeyUsageTypeSignVerify})
		if err != nil {
			t.Fatal(err)
		}
		_, err = openKey(t, "awskms:///"+*out.KeyMetadata.Arn).Signer(t.Context())
		e := wantKind(t, err, awskms.ErrKeySpec)
		if !strings.Contains(e.Error(), string(spec)) {
			t.Errorf("error does not name the key spec: %v", e)
		}
	}
}
