package awskms_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// fastRetry keeps the SDK's retry policy (3 attempts) but with
// millisecond backoff, so failure tests are quick and still go through the
// retry path a user would see.
func fastRetry(o *kms.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = 3
		so.MaxBackoff = 10 * time.Millisecond
	})
}

func openKey(t *testing.T, uri string, optFns ...func(*kms.Options)) *awskms.Key {
	t.Helper()
	k, err := awskms.Open(t.Context(), uri, nil, optFns...)
	if err != nil {
		t.Fatalf("Open(%s): %v", uri, err)
	}
	return k
}

// newKey creates a fresh symmetric key on the shared server and returns
// its ARN, so tests do not depend on each other's keys.
func newKey(t *testing.T) string {
	t.Helper()
	testkms.Get(t)
	c, err := awskms.NewClient(t.Context(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := c.CreateKey(t.Context(), "", "", "envseal test key")
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

func randomName(t *testing.T) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "test-" + hex.EncodeToString(b)
}

func mustOpen(t *testing.T, file, want []byte, ids ...keyprovider.Unwrapper) {
	t.Helper()
	got, err := sealtest.Open(t.Context(), file, nil, ids...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("open returned %q, want %q", got, want)
	}
}

// editHeader parses file's header, lets edit change it, and returns the
// file with the re-encoded header (and the old MAC) before the payload.
func editHeader(t *testing.T, file []byte, edit func(h *envelope.Header)) []byte {
	t.Helper()
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	payload := file[h.Size():]
	edit(h)
	hdr, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return append(hdr, payload...)
}

func stanzas(t *testing.T, file []byte) []*keyprovider.Stanza {
	t.Helper()
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	return h.Stanzas
}

// wantKind checks that err is an *awskms.Error of the given kind, printed
// as one "failed to ..." line, with a hint unless the message is all the
// user needs (a bad argument).
func wantKind(t *testing.T, err, kind error) *awskms.Error {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want kind %q", err, kind)
	}
	var e *awskms.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *awskms.Error", err)
	}
	msg := e.Error()
	t.Logf("%s\nhint: %s", msg, e.Hint())
	if !bytes.HasPrefix([]byte(msg), []byte("failed to ")) || bytes.ContainsAny([]byte(msg), "\n\r") {
		t.Errorf("message is not one \"failed to\" line: %q", msg)
	}
	if e.Hint() == "" && kind != awskms.ErrInvalidArgument {
		t.Errorf("no hint for %v", err)
	}
	return e
}
