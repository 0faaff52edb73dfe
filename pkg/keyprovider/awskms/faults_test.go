package awskms_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/envseal/envseal/internal/kmsfault"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// faultProxy puts a kmsfault proxy in front of the shared local-kms and
// returns it with a key URI that goes through it.
func faultProxy(t *testing.T) (*kmsfault.Proxy, string) {
	t.Helper()
	srv := testkms.Get(t)
	p, err := kmsfault.Start(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, "awskms://" + strings.TrimPrefix(p.URL, "http://") + "/" + testkms.DemoAlias
}

// A server that accepts requests and never answers cannot hang a run that
// has no --timeout: each attempt is bounded, and the SDK's retries with it.
func TestSilentServerBoundedPerAttempt(t *testing.T) {
	defer awskms.SetRequestTimeout(300 * time.Millisecond)()
	p, uri := faultProxy(t)
	k := openKey(t, uri, fastRetry)
	p.Set(kmsfault.Slow, -1, time.Minute)
	start := time.Now()
	_, _, err := k.GenerateDataKey(context.Background(), nil)
	wantKind(t, err, awskms.ErrUnreachable)
	if d := time.Since(start); d > quick {
		t.Errorf("took %v", d)
	}
	if n := settledCalls(p, "GenerateDataKey", 3); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// settledCalls waits (up to a second) for the proxy to have seen want calls
// of op: under load, the client's per-attempt timeout can fire before the
// proxy's handler has counted a request that was sent.
func settledCalls(p *kmsfault.Proxy, op string, want int) int {
	deadline := time.Now().Add(time.Second)
	for p.Calls(op) < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return p.Calls(op)
}

// A deadline on the context (what --timeout sets) stops the retries early
// and is reported as such, not as an unreachable endpoint.
func TestDeadlineStopsRetries(t *testing.T) {
	p, uri := faultProxy(t)
	k := openKey(t, uri)
	p.Set(kmsfault.Slow, -1, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := k.GenerateDataKey(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v past a 500ms deadline", d)
	}
	if n := p.Calls("GenerateDataKey"); n != 1 {
		t.Errorf("%d attempts after the deadline, want 1", n)
	}
}

// Every fault the SDK retries ends in a typed, one-line error after the
// standard retryer's 3 attempts, and a short fault is ridden out.
func TestRetriedFaults(t *testing.T) {
	p, uri := faultProxy(t)
	k := openKey(t, uri, fastRetry)
	for _, tt := range []struct {
		fault kmsfault.Fault
		kind  error
	}{
		{kmsfault.Throttle, awskms.ErrThrottled},
		{kmsfault.Internal, nil},
		{kmsfault.Drop, awskms.ErrUnreachable},
	} {
		p.Set(tt.fault, -1, 0)
		_, _, err := k.GenerateDataKey(context.Background(), nil)
		var e *awskms.Error
		if !errors.As(err, &e) || e.Kind != tt.kind || !strings.Contains(err.Error(), "after 3 attempts") {
			t.Errorf("%s: err = %v", tt.fault, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", tt.fault, err)
		}
		if n := p.Calls("GenerateDataKey"); n != 3 {
			t.Errorf("%s: %d attempts, want 3", tt.fault, n)
		}
		p.Set(tt.fault, 2, 0)
		dk, _, err := k.GenerateDataKey(context.Background(), nil)
		if err != nil || len(dk) != 32 {
			t.Errorf("%s twice, then served: %v", tt.fault, err)
		}
	}
}

// A principal allowed kms:GetPublicKey on an RSA key but not
// kms:GenerateDataKey is denied, not refused for the key's usage: the
// seal still learns the key is RSA and wraps locally. For a symmetric
// key the denial is what is reported.
func TestRSASealAfterAccessDenied(t *testing.T) {
	_, arn := newRSAKey(t, "RSA_2048")
	p, demo := faultProxy(t)
	p.SetFor("GenerateDataKey", kmsfault.Deny, -1, 0)
	uri := strings.TrimSuffix(demo, testkms.DemoAlias) + arn
	if _, s, err := openKey(t, uri).GenerateDataKey(context.Background(), nil); err != nil || s.Type != awskms.RSAStanzaType {
		t.Fatalf("RSA key, GenerateDataKey denied: %v", err)
	}
	_, _, err := openKey(t, demo).GenerateDataKey(context.Background(), nil)
	wantKind(t, err, awskms.ErrAccessDenied)
	if !strings.Contains(err.Error(), "kms:GenerateDataKey") {
		t.Errorf("the denial is not the error: %v", err)
	}
}
