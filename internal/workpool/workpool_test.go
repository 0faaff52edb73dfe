package workpool

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// Results come back in input order whatever order the work ends in, with
// no more than jobs running and no more than window held.
func TestOrderedOrderAndBounds(t *testing.T) {
	for _, c := range []struct{ n, jobs, window int }{{0, 4, 0}, {1, 4, 0}, {100, 1, 1}, {100, 8, 8}, {300, 8, 32}, {50, 64, 0}} {
		var running, maxRunning, held, maxHeld atomic.Int64
		next := 0
		got := Ordered(context.Background(), c.n, c.jobs, c.window, func(_ context.Context, i int) int {
			r := running.Add(1)
			defer running.Add(-1)
			maxOf(&maxRunning, r)
			time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
			maxOf(&maxHeld, held.Add(1))
			return i * 2
		}, func(i, r int) bool {
			held.Add(-1)
			if i != next || r != i*2 {
				t.Fatalf("n=%d jobs=%d: emitted %d (%d), want %d", c.n, c.jobs, i, r, next)
			}
			next++
			return true
		})
		if got != c.n || next != c.n {
			t.Errorf("n=%d jobs=%d: started %d, emitted %d", c.n, c.jobs, got, next)
		}
		if m := maxRunning.Load(); m > int64(c.jobs) {
			t.Errorf("n=%d jobs=%d: %d ran at once", c.n, c.jobs, m)
		}
		if m, w := maxHeld.Load(), int64(max(c.window, c.jobs)); m > w {
			t.Errorf("n=%d jobs=%d window=%d: %d results held at once", c.n, c.jobs, c.window, m)
		}
	}
}

func maxOf(m *atomic.Int64, v int64) {
	for {
		old := m.Load()
		if v <= old || m.CompareAndSwap(old, v) {
			return
		}
	}
}

// emit returning false stops new work: what was started is a prefix, and
// all of it is emitted, in order.
func TestOrderedStop(t *testing.T) {
	var ran atomic.Int64
	next := 0
	started := Ordered(context.Background(), 1000, 4, 8, func(_ context.Context, i int) int {
		ran.Add(1)
		time.Sleep(100 * time.Microsecond)
		return i
	}, func(i, _ int) bool {
		if i != next {
			t.Fatalf("emitted %d, want %d", i, next)
		}
		next++
		return i != 10
	})
	if started != next || int64(started) != ran.Load() {
		t.Fatalf("started %d, emitted %d, ran %d", started, next, ran.Load())
	}
	if started < 11 || started > 11+8 {
		t.Fatalf("started %d after a stop at 10 with a window of 8", started)
	}
}

// A cancelled context stops new work at once; the work in flight sees the
// cancellation and Ordered returns only after it ended.
func TestOrderedCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var inFlight atomic.Int64
	emitted := 0
	started := Ordered(ctx, 1000, 4, 0, func(ctx context.Context, i int) error {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		if i == 20 {
			cancel()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
			return nil
		}
	}, func(int, error) bool { emitted++; return true })
	if inFlight.Load() != 0 {
		t.Fatalf("%d pieces still running after Ordered returned", inFlight.Load())
	}
	if started != emitted || started < 21 || started > 21+4 {
		t.Fatalf("started %d, emitted %d after a cancel at 20", started, emitted)
	}
}
