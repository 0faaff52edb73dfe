package throttle

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type apiErr string

func (e apiErr) Error() string     { return string(e) }
func (e apiErr) ErrorCode() string { return string(e) }

type httpErr int

func (e httpErr) Error() string       { return fmt.Sprint("status ", int(e)) }
func (e httpErr) HTTPStatusCode() int { return int(e) }

func TestIs(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("ThrottlingException"), false},
		{apiErr("ThrottlingException"), true},
		{fmt.Errorf("file: %w", fmt.Errorf("kms: %w", apiErr("TooManyRequestsException"))), true},
		{apiErr("AccessDeniedException"), false},
		{httpErr(429), true},
		{httpErr(503), true},
		{httpErr(500), false},
		{errors.Join(errors.New("kind"), httpErr(503)), true},
	} {
		if got := Is(c.err); got != c.want {
			t.Errorf("Is(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A throttled attempt pauses every worker, and the work is retried until
// it passes; other errors are not retried.
func TestGateDo(t *testing.T) {
	g := &Gate{Base: 5 * time.Millisecond}
	var throttles atomic.Int64
	throttles.Store(20)
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				err := g.Do(context.Background(), 10, func() error {
					if throttles.Add(-1) >= 0 {
						return apiErr("ThrottlingException")
					}
					return nil
				})
				if err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d pieces failed", failed.Load())
	}
	if time.Since(start) < 5*time.Millisecond {
		t.Fatal("no pause after throttling")
	}
	calls := 0
	err := g.Do(context.Background(), 10, func() error { calls++; return apiErr("AccessDeniedException") })
	if err == nil || calls != 1 {
		t.Fatalf("a non-throttling error: %d calls, %v", calls, err)
	}
	calls = 0
	err = g.Do(context.Background(), 2, func() error { calls++; return httpErr(429) })
	if err == nil || calls != 3 {
		t.Fatalf("retries=2: %d calls, %v", calls, err)
	}
}

func TestGateCancel(t *testing.T) {
	g := &Gate{Base: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	err := g.Do(ctx, 5, func() error { calls++; return httpErr(503) })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("%d calls, %v", calls, err)
	}
}
