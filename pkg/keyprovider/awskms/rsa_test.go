package awskms_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// newRSAKey creates an RSA encryption key behind a fresh alias and
// returns the alias URI and the key ARN.
func newRSAKey(t *testing.T, spec string) (uri, arn string) {
	t.Helper()
	uri = testkms.Get(t).URI("alias/" + randomName(t))
	arn, err := openKey(t, uri).Create(t.Context(), spec, "ENCRYPT_DECRYPT", "envseal RSA test key")
	if err != nil {
		t.Fatal(err)
	}
	return uri, arn
}

// Each RSA spec seals locally and opens in KMS; the stanza names the key
// ARN, not the alias, and its body is as long as the modulus.
func TestRSASealOpen(t *testing.T) {
	for _, tt := range []struct {
		spec string
		size int
	}{{"RSA_2048", 256}, {"RSA_3072", 384}, {"RSA_4096", 512}} {
		t.Run(tt.spec, func(t *testing.T) {
			uri, arn := newRSAKey(t, tt.spec)
			k := openKey(t, uri)
			msg := []byte("postgres://app:hunter2@db/app")
			file := sealWith(t, msg, map[string]string{"app": "demo"}, k)
			s := stanzas(t, file)
			if len(s) != 1 || s[0].Type != awskms.RSAStanzaType || s[0].KeyID != arn || len(s[0].Body) != tt.size {
				t.Fatalf("stanza %s %s %d bytes, want %s %s %d bytes", s[0].Type, s[0].KeyID, len(s[0].Body),
					awskms.RSAStanzaType, arn, tt.size)
			}
			mustOpen(t, file, msg, openKey(t, uri))
			mustOpen(t, file, msg, openKey(t, testkms.Get(t).URI(arn)))
		})
	}
}

func sealWith(t *testing.T, msg []byte, encCtx map[string]string, ws ...keyprovider.Wrapper) []byte {
	t.Helper()
	return sealtest.Seal(t, msg, encCtx, ws...)
}

// What one RSA seal and one open cost in requests: sealing to a new Key
// is one refused GenerateDataKey (local-kms's 500 "key type not yet
// supported", not retried) and one GetPublicKey; every later seal with
// the same Key costs nothing. Opening with the alias is DescribeKey and
// Decrypt; with the ARN, Decrypt alone.
func TestRSARequests(t *testing.T) {
	uri, arn := newRSAKey(t, "RSA_2048")
	var rec testkms.Recorder
	k := openKey(t, uri, rec.Option())
	msg := []byte("secret")
	var files [][]byte
	for range 3 {
		files = append(files, sealWith(t, msg, nil, k))
	}
	if g, p, n := rec.Count("GenerateDataKey"), rec.Count("GetPublicKey"), len(rec.Calls()); g != 1 || p != 1 || n != 2 {
		t.Errorf("3 seals: %d GenerateDataKey, %d GetPublicKey, %d requests in all: %v", g, p, n, rec.Calls())
	}

	var open testkms.Recorder
	mustOpen(t, files[0], msg, openKey(t, uri, open.Option()))
	if d, r, n := open.Count("DescribeKey"), open.Count("Decrypt"), len(open.Calls()); d != 1 || r != 1 || n != 2 {
		t.Errorf("open with the alias: %d DescribeKey, %d Decrypt, %d in all: %v", d, r, n, open.Calls())
	}
	var byARN testkms.Recorder
	mustOpen(t, files[1], msg, openKey(t, testkms.Get(t).URI(arn), byARN.Option()))
	if n := len(byARN.Calls()); n != 1 || byARN.Count("Decrypt") != 1 {
		t.Errorf("open with the ARN: %v", byARN.Calls())
	}
}

// Concurrent first seals to one Key send one GetPublicKey between them.
func TestRSAConcurrentSeal(t *testing.T) {
	uri, _ := newRSAKey(t, "RSA_2048")
	var rec testkms.Recorder
	k := openKey(t, uri, rec.Option())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			dk := make([]byte, keyprovider.DataKeySize)
			rand.Read(dk)
			if _, err := k.Wrap(t.Context(), dk, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p, n := rec.Count("GetPublicKey"), len(rec.Calls()); p != 1 || n != 2 {
		t.Errorf("%d GetPublicKey, %d requests: %v", p, n, rec.Calls())
	}
}

// An export seals with no AWS configuration at all, and the live key
// opens what it sealed; the export carries the ARN and the algorithm.
func TestRSAExportSealsOffline(t *testing.T) {
	uri, arn := newRSAKey(t, "RSA_3072")
	pk, err := openKey(t, uri).ExportPublic(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if pk.Scheme != "awskms" || pk.Attrs["Key-Id"] != arn || pk.Attrs["Algorithm"] != "RSAES_OAEP_SHA_256" ||
		!strings.Contains(pk.Comment, "RSA_3072") {
		t.Fatalf("export %+v", pk)
	}
	data, err := keyprovider.MarshalPublic(pk)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := keyprovider.ParsePublic(data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := keyprovider.Lookup("awskms")
	// Nowhere to send a request, and no credentials: sealing must not try.
	t.Setenv("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_REGION", "")
	pub, err := b.Public(entries[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if pub.URI() != "awskms:///"+arn {
		t.Errorf("URI %q", pub.URI())
	}
	msg := []byte("offline")
	file := sealWith(t, msg, map[string]string{"env": "ci"}, pub.(keyprovider.Wrapper))
	s := stanzas(t, file)
	if s[0].Type != awskms.RSAStanzaType || s[0].KeyID != arn {
		t.Fatalf("stanza %s %s", s[0].Type, s[0].KeyID)
	}
	testkms.Get(t).SetEnv()
	mustOpen(t, file, msg, openKey(t, uri))
	d, err := awskms.NewDiscovery(t.Context(), nil, []string{arn})
	if err != nil {
		t.Fatal(err)
	}
	mustOpen(t, file, msg, d)
}

// Exports that cannot be sealed to are refused when the file is read.
func TestRSAPublicRefuses(t *testing.T) {
	uri, arn := newRSAKey(t, "RSA_2048")
	pk, err := openKey(t, uri).ExportPublic(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(p *keyprovider.PublicKey){
		"alias key id": func(p *keyprovider.PublicKey) { p.Attrs["Key-Id"] = "alias/x" },
		"no key id":    func(p *keyprovider.PublicKey) { delete(p.Attrs, "Key-Id") },
		"sha1":         func(p *keyprovider.PublicKey) { p.Attrs["Algorithm"] = "RSAES_OAEP_SHA_1" },
		"bad der":      func(p *keyprovider.PublicKey) { p.DER = p.DER[:40] },
		"unknown attr": func(p *keyprovider.PublicKey) { p.Attrs["Region"] = "eu-west-1" },
		"exponent 3":   func(p *keyprovider.PublicKey) { p.DER = sealtest.WithExponent(t, p.DER, 3) },
		"exponent 1":   func(p *keyprovider.PublicKey) { p.DER = sealtest.WithExponent(t, p.DER, 1) },
	} {
		c := *pk
		c.Attrs = map[string]string{"Key-Id": arn, "Algorithm": "RSAES_OAEP_SHA_256"}
		edit(&c)
		if _, err := awskms.NewPublicRecipient(&c); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !errors.Is(err, keyprovider.ErrPublicFile) && !errors.Is(err, keyprovider.ErrUnsupported) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Sealing to a key that is neither symmetric nor an RSA encryption key is
// one clear error with a hint; the refused call is not retried.
func TestRSAWrongUsage(t *testing.T) {
	var rec testkms.Recorder
	k := openKey(t, newSigningKey(t, "RSA_2048", "SIGN_VERIFY"), rec.Option())
	_, _, err := k.GenerateDataKey(t.Context(), nil)
	e := wantKind(t, err, awskms.ErrKeyUsage)
	if !strings.Contains(e.Error(), "SIGN_VERIFY") || !strings.Contains(e.Hint(), "ENCRYPT_DECRYPT") {
		t.Errorf("error %q, hint %q", e, e.Hint())
	}
	if n := len(rec.Calls()); n > 2 {
		t.Errorf("%d requests: %v", n, rec.Calls())
	}
	// ExportPublic of a signing key defers to the signing path.
	if _, err := k.ExportPublic(t.Context()); !errors.Is(err, keyprovider.ErrUnsupported) {
		t.Errorf("ExportPublic of a signing key: %v", err)
	}
	// ... and of a symmetric key says what pubkey exports.
	_, err = openKey(t, testkms.Get(t).URI(testkms.DemoAlias)).ExportPublic(t.Context())
	e = wantKind(t, err, awskms.ErrKeyUsage)
	if !strings.Contains(e.Hint(), "RSA_3072 --usage ENCRYPT_DECRYPT") {
		t.Errorf("hint %q", e.Hint())
	}
}

// local-kms refuses GenerateDataKey for an RSA key with a 500; that is a
// permanent answer and is sent once, not three times.
func TestUnsupportedKeyTypeNotRetried(t *testing.T) {
	uri, _ := newRSAKey(t, "RSA_2048")
	var rec testkms.Recorder
	k := openKey(t, uri, rec.Option())
	_, err := k.Client().GenerateDataKey(t.Context(), k.KeyID(), "AES_256", nil)
	e := wantKind(t, err, awskms.ErrKeyUsage)
	if strings.Contains(e.Error(), "attempts") || rec.Count("GenerateDataKey") != 1 {
		t.Errorf("%v after %d requests", e, rec.Count("GenerateDataKey"))
	}
}

// A tampered RSA stanza fails to unwrap with an invalid-ciphertext error,
// and a body of an impossible length is refused without a request.
func TestRSAUnwrapErrors(t *testing.T) {
	uri, arn := newRSAKey(t, "RSA_2048")
	k := openKey(t, uri)
	dk := make([]byte, keyprovider.DataKeySize)
	rand.Read(dk)
	s, err := k.Wrap(t.Context(), dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.Unwrap(t.Context(), s, map[string]string{"ignored": "by RSA"})
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("Unwrap: %v", err)
	}
	bad := *s
	bad.Body = bytes.Clone(s.Body)
	bad.Body[10] ^= 1
	_, err = k.Unwrap(t.Context(), &bad, nil)
	wantKind(t, err, awskms.ErrInvalidCiphertext)

	var rec testkms.Recorder
	k2 := openKey(t, testkms.Get(t).URI(arn), rec.Option())
	short := *s
	short.Body = s.Body[:100]
	_, err = k2.Unwrap(t.Context(), &short, nil)
	wantKind(t, err, awskms.ErrInvalidCiphertext)
	if n := len(rec.Calls()); n != 0 {
		t.Errorf("%d requests for a short body", n)
	}
	// Another key's stanza is not this key's: no request.
	other, _ := newRSAKey(t, "RSA_2048")
	if _, err := openKey(t, other).Unwrap(t.Context(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("another key's stanza: %v", err)
	}
}

// The AWS CLI decrypts the body of a stanza envseal wrote, given the ARN
// and the algorithm, and gets the data key back: the stanza is plain
// RSAES_OAEP_SHA_256 ciphertext, as KMS defines it.
func TestRSAStanzaDecryptsWithAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		testci.Require(t, "the aws CLI", "apt-get install awscli", err)
	}
	srv := testkms.Get(t)
	uri, arn := newRSAKey(t, "RSA_3072")
	dk := make([]byte, keyprovider.DataKeySize)
	rand.Read(dk)
	s, err := openKey(t, uri).Wrap(t.Context(), dk, map[string]string{"app": "demo"})
	if err != nil {
		t.Fatal(err)
	}
	body := t.TempDir() + "/body"
	if err := os.WriteFile(body, s.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(aws, "kms", "decrypt", "--encryption-algorithm", "RSAES_OAEP_SHA_256",
		"--key-id", s.KeyID, "--ciphertext-blob", "fileb://"+body,
		"--endpoint-url", srv.Endpoint(), "--region", testkms.Region, "--output", "json")
	cmd.Env = append(srv.Environ(os.Environ()),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Logf("stderr: %s", ee.Stderr)
		}
		t.Fatal(err)
	}
	var res struct {
		KeyID               string `json:"KeyId"`
		Plaintext           string
		EncryptionAlgorithm string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got, err := base64.StdEncoding.DecodeString(res.Plaintext)
	if err != nil || !bytes.Equal(got, dk) || res.KeyID != arn {
		t.Fatalf("aws kms decrypt: key %s, %d bytes, equal %v (%v)", res.KeyID, len(got), bytes.Equal(got, dk), err)
	}
}
