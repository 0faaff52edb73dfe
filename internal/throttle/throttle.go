// Package throttle slows a batch of requests down when the service behind
// them says it is getting too many, instead of failing the work.
//
// The AWS SDK retries a throttled request a few times on its own (with
// adaptive retry, at a lower rate for the whole client); a batch that
// still gets throttled after that pauses every worker at a Gate, longer
// each time, and tries the file again.
package throttle

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// codes are the error codes AWS services use for "too many requests".
var codes = map[string]bool{
	"ThrottlingException":                    true,
	"Throttling":                             true,
	"ThrottledException":                     true,
	"TooManyRequestsException":               true,
	"RequestLimitExceeded":                   true,
	"RequestThrottled":                       true,
	"RequestThrottledException":              true,
	"ProvisionedThroughputExceededException": true,
	"SlowDown":                               true,
}

// Is reports whether err says the service refused a request for its rate:
// an API error code of the throttling family, or HTTP 429 or 503. It looks
// for the methods the AWS SDK's errors have, so that it names no backend.
func Is(err error) bool {
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) && codes[coded.ErrorCode()] {
		return true
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		c := status.HTTPStatusCode()
		return c == 429 || c == 503
	}
	return false
}

// A Gate is shared by the workers of a batch. After a throttled attempt,
// every worker waits at the gate before its next attempt: 100 ms, doubled
// for each throttling in a row up to 6.4 s, with jitter. Attempts that
// fail during a pause belong to the same burst and do not lengthen it;
// successes let the pause shrink again. The zero Gate is ready to use and safe for
// concurrent use.
type Gate struct {
	// Base is the first pause (default 100 ms); Max the longest (default
	// 6.4 s).
	Base, Max time.Duration

	mu    sync.Mutex
	until time.Time
	level int
}

// Do runs fn, and while it fails with a throttling error (see Is) runs it
// again after the gate's pause, up to retries more times. It returns fn's
// last error, or ctx's if ctx ended during a pause.
func (g *Gate) Do(ctx context.Context, retries int, fn func() error) error {
	for attempt := 0; ; attempt++ {
		if err := g.wait(ctx); err != nil {
			return err
		}
		err := fn()
		switch {
		case err == nil:
			g.succeeded()
			return nil
		case attempt >= retries || ctx.Err() != nil || !Is(err):
			return err
		}
		g.throttled()
	}
}

func (g *Gate) wait(ctx context.Context) error {
	g.mu.Lock()
	d := time.Until(g.until)
	g.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Gate) throttled() {
	base, limit := g.Base, g.Max
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	if limit <= 0 {
		limit = 64 * base
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	if now.Before(g.until) {
		return // the same burst, seen by another worker: paused already
	}
	pause := min(base<<g.level, limit)
	if pause < limit {
		g.level++
	}
	pause = pause/2 + rand.N(pause/2+1) // jitter: workers do not all come back at once
	g.until = now.Add(pause)
}

func (g *Gate) succeeded() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.level > 0 {
		g.level--
	}
}
