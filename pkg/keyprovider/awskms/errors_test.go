package awskms_test

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// quick bounds how long a failure may take to be reported, retries included.
const quick = 5 * time.Second

func TestServerStoppedMidRun(t *testing.T) {
	srv := testkms.StartT(t)
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), fastRetry, rec.Option())
	file := sealtest.Seal(t, plaintext, map[string]string{"run": "1"}, k)
	mustOpen(t, file, plaintext, k)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	got, err := sealtest.Open(t.Context(), file, nil, k)
	e := wantKind(t, err, awskms.ErrUnreachable)
	if got != nil {
		t.Error("plaintext released")
	}
	if !strings.Contains(e.Error(), "connection refused") || !strings.Contains(e.Hint(), "AWS_ENDPOINT_URL_KMS") {
		t.Errorf("message %q / hint %q do not explain", e.Error(), e.Hint())
	}
	if d := time.Since(start); d > quick {
		t.Errorf("took %v to fail", d)
	}
	if n := rec.Count("Decrypt"); n != 1+3 {
		t.Errorf("%d Decrypt attempts, want 1 before the stop and 3 after", n)
	}
	_, _, err = k.GenerateDataKey(t.Context(), nil)
	wantKind(t, err, awskms.ErrUnreachable)
}

func TestUnreachableEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now

	k := openKey(t, "awskms://"+addr+"/alias/Demo", fastRetry)
	start := time.Now()
	_, _, err = k.GenerateDataKey(t.Context(), nil)
	e := wantKind(t, err, awskms.ErrUnreachable)
	if d := time.Since(start); d > quick {
		t.Errorf("took %v to fail", d)
	}
	msg := e.Error()
	for _, want := range []string{"failed to generate data key with alias/Demo", "cannot reach the KMS endpoint",
		addr, "after 3 attempts"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

// Throttling is a fault a real server cannot produce on demand, so this
// test, alone, uses a stand-in that always answers ThrottlingException.
func TestThrottledAfterRetries(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"__type":"ThrottlingException","message":"Rate exceeded"}`))
	}))
	defer fake.Close()
	var rec testkms.Recorder
	k := openKey(t, "awskms://"+strings.TrimPrefix(fake.URL, "http://")+"/alias/Demo", fastRetry, rec.Option())
	_, _, err := k.GenerateDataKey(t.Context(), nil)
	e := wantKind(t, err, awskms.ErrThrottled)
	if n := rec.Count("GenerateDataKey"); n != 3 {
		t.Errorf("%d attempts, want the SDK's 3", n)
	}
	if !strings.Contains(e.Error(), "ThrottlingException: Rate exceeded (after 3 attempts)") {
		t.Errorf("message: %q", e.Error())
	}
}

func TestKeyNotFound(t *testing.T) {
	srv := testkms.Get(t)
	k := openKey(t, srv.URI("alias/DoesNotExist"))
	_, _, err := k.GenerateDataKey(t.Context(), nil)
	wantKind(t, err, awskms.ErrKeyNotFound)
	// Opening resolves the alias first, with the same answer.
	file := sealtest.Seal(t, plaintext, nil, openKey(t, srv.URI(testkms.DemoAlias)))
	_, err = sealtest.Open(t.Context(), file, nil, k)
	wantKind(t, err, awskms.ErrKeyNotFound)
}

func TestKeyDisabled(t *testing.T) {
	testkms.Get(t)
	arn := newKey(t)
	k := openKey(t, "awskms:///"+arn)
	file := sealtest.Seal(t, plaintext, nil, k)
	if _, err := k.Client().API().DisableKey(t.Context(), &kms.DisableKeyInput{KeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	_, _, err := k.GenerateDataKey(t.Context(), nil)
	wantKind(t, err, awskms.ErrKeyDisabled)
	_, err = sealtest.Open(t.Context(), file, nil, k)
	wantKind(t, err, awskms.ErrKeyDisabled)
}

// local-kms answers AccessDeniedException, as AWS does, for a ciphertext
// whose key does not exist (or may not be used). Its blobs start with
// len(ARN), ARN; the test points one at a key that was never created.
func TestAccessDenied(t *testing.T) {
	srv := testkms.Get(t)
	k := openKey(t, srv.URI(testkms.DemoAlias))
	dk, err := k.Client().GenerateDataKey(t.Context(), k.KeyID(), "AES_256", nil)
	if err != nil {
		t.Fatal(err)
	}
	blob := dk.CiphertextBlob
	if int(blob[0]) != len(testkms.DemoKeyARN) || !bytes.Equal(blob[1:1+blob[0]], []byte(testkms.DemoKeyARN)) {
		t.Fatal("local-kms blob layout changed; update this test")
	}
	copy(blob[1:], strings.Replace(testkms.DemoKeyARN, testkms.DemoKeyID, keyID, 1))
	_, err = k.Client().DecryptBlob(t.Context(), blob, nil, "")
	wantKind(t, err, awskms.ErrAccessDenied)
}

func TestNoCredentials(t *testing.T) {
	srv := testkms.Get(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	start := time.Now()
	_, _, err := k.GenerateDataKey(t.Context(), nil)
	wantKind(t, err, awskms.ErrCredentials)
	if d := time.Since(start); d > quick {
		t.Errorf("took %v to fail", d)
	}
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("unsigned requests sent: %v", calls)
	}
}
