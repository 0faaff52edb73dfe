// Package workpool runs numbered pieces of work on a bounded number of
// goroutines and hands their results back in order, so that a command can
// overlap slow calls (a KMS request per file) and still print one file's
// lines after the previous file's.
package workpool

import (
	"context"
	"sync"
)

// Ordered calls work(ctx, i) for i = 0, 1, ..., n-1 on at most jobs
// goroutines at a time, and emit(i, result) on the calling goroutine in
// order of i. At most window results (at least jobs) are started but not
// yet emitted, so memory stays bounded however long the input and however
// slow one piece of work is next to its successors.
//
// Work is started in order of i. Ordered stops starting new work when ctx
// is done or emit returns false; work already started still finishes (it
// sees ctx) and is emitted, in order. It returns the number of pieces
// started, which is also the number emitted: the started ones are always
// 0..started-1.
func Ordered[R any](ctx context.Context, n, jobs, window int, work func(ctx context.Context, i int) R, emit func(i int, r R) bool) (started int) {
	jobs = max(jobs, 1)
	window = max(window, jobs)
	type result struct {
		i int
		r R
	}
	next := make(chan int)
	done := make(chan result, jobs)
	stop := make(chan struct{})
	slots := make(chan struct{}, window)
	var nstarted int // written by the dispatcher only; read after it ended
	dispatched := make(chan struct{})

	go func() { // dispatcher: hands out 0..n-1 in order while there is room
		defer close(dispatched)
		defer close(next)
		for i := 0; i < n; i++ {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
			// A stop that came while waiting for room wins over the
			// next piece: check again before handing it out.
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			default:
			}
			select {
			case next <- i:
				nstarted = i + 1
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range min(jobs, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				done <- result{i, work(ctx, i)}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	pending := make(map[int]R, window)
	want := 0
	stopped := false
	for res := range done {
		pending[res.i] = res.r
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			if !emit(want, r) && !stopped {
				stopped = true
				close(stop)
			}
			want++
			<-slots
		}
	}
	<-dispatched
	return nstarted
}
