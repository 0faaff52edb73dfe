package stream

import (
	"runtime"
	"sync"
)

// maxDepth bounds the batches in flight whatever GOMAXPROCS is, and so the
// memory of a Writer or Reader: at most maxDepth+1 batches of buffers, each
// 512 KiB of plaintext and its ciphertext.
const maxDepth = 6

// pipeline seals or opens batches on their own goroutines and hands them
// back in the order they were submitted.
//
// Only the goroutine calling a Writer or Reader method drives it, and a
// batch goroutine blocks on nothing the caller does not wait for before
// its method returns. A batch's work only computes, over memory the
// pipeline owns (or a slice the calling method waits on), so an abandoned
// Reader leaks no goroutine: what it left in flight finishes on its own.
// A batch's finish step, which the Writer uses to write its output, runs
// in submission order, each batch's after its predecessor's, and the
// Writer drains the pipeline before any method returns.
type pipeline struct {
	work   func(*batch)  // compute: seal or open
	finish func(*batch)  // optional, in order after the previous batch's
	sem    chan struct{} // one slot per goroutine that may work at once
	depth  int           // batches in flight at most
	queue  []*batch      // in flight, oldest first
	free   []*batch      // finished with, kept for their buffers

	started int // goroutines started, for tests that the work really spreads
}

// newPipeline sizes the pipeline for GOMAXPROCS: one worker goroutine per
// core, and one batch more in flight than workers, which the calling
// goroutine seals or opens itself if every worker is still busy when it
// submits it. On one core everything is done inline, one batch at a time,
// as a sequential loop would: no goroutine, no hand-off.
func newPipeline(work, finish func(*batch)) pipeline {
	procs := runtime.GOMAXPROCS(0)
	p := pipeline{work: work, finish: finish, depth: 1}
	if procs > 1 {
		p.sem = make(chan struct{}, procs)
		p.depth = min(procs+1, maxDepth)
	}
	return p
}

func (p *pipeline) full() bool  { return len(p.queue) >= p.depth }
func (p *pipeline) empty() bool { return len(p.queue) == 0 }

// ready reports whether the oldest batch is finished, so that next will
// not wait.
func (p *pipeline) ready() bool {
	if p.empty() {
		return false
	}
	select {
	case <-p.queue[0].done:
		return true
	default:
		return false
	}
}

// batchPool recycles batches, buffers and all, across Writers and
// Readers, so that sealing or opening many small payloads in one process
// does not allocate and zero a megabyte each time.
var batchPool = sync.Pool{New: func() any {
	return &batch{
		buf: make([]byte, batchChunks*EncChunkSize),
		out: make([]byte, 0, batchChunks*EncChunkSize),
	}
}}

// get returns a batch with room for batchChunks chunks in buf and out,
// reusing a finished one when it can.
func (p *pipeline) get() *batch {
	var b *batch
	if n := len(p.free); n > 0 {
		b, p.free = p.free[n-1], p.free[:n-1]
	} else {
		b = batchPool.Get().(*batch)
	}
	b.in, b.out, b.counter, b.final, b.err = nil, b.out[:0], 0, false, nil
	return b
}

// put returns a batch taken off the queue (or never submitted) for reuse.
func (p *pipeline) put(b *batch) {
	b.in = nil
	p.free = append(p.free, b)
}

// minSpread is the smallest batch worth a goroutine: below it, the
// hand-off (a wake-up, often of an idle thread) costs more than it saves.
// Reads from a pipe return 64 KiB at most, so a stdin-to-stdout run stays
// inline, where the pipe, not the cipher, is the limit anyway.
const minSpread = 8 * ChunkSize

// submit appends b to the queue and starts it: its work on a goroutine if
// a worker slot is free, else inline; its finish, if any, on a goroutine
// that waits its turn. inline forces everything inline, for a batch
// nothing would overlap with, where a goroutine is only overhead; so does
// a batch under minSpread.
func (p *pipeline) submit(b *batch, inline bool) {
	b.after = nil
	if !p.empty() {
		b.after = p.queue[len(p.queue)-1].done
	}
	b.done = make(chan struct{})
	p.queue = append(p.queue, b)
	// The finish step is fixed now: the Reader changes it between calls.
	finish := p.finish
	spread := !inline && p.sem != nil && len(b.in) >= minSpread
	if spread {
		select {
		case p.sem <- struct{}{}:
			p.started++
			go func() {
				p.work(b)
				<-p.sem
				end(b, finish)
			}()
			return
		default:
		}
	}
	p.work(b)
	if spread && finish != nil {
		p.started++
		go end(b, finish)
		return
	}
	end(b, finish)
}

// end runs b's finish, if any, once the batch before it has ended, then
// marks b done.
func end(b *batch, finish func(*batch)) {
	if finish != nil {
		if b.after != nil {
			<-b.after
		}
		finish(b)
	}
	close(b.done)
}

// next waits for the oldest batch and takes it off the queue.
func (p *pipeline) next() *batch {
	b := p.queue[0]
	p.queue[0] = nil
	p.queue = p.queue[1:]
	<-b.done
	return b
}

// release hands the finished batches back to the pool. Batches still in
// flight are left to finish and be collected: a goroutine may still be
// writing to them. The buffers are not cleared: their plaintext is also
// in the caller's buffers and the page cache, and the pool is private.
func (p *pipeline) release() {
	for _, b := range p.free {
		b.done, b.after = nil, nil
		batchPool.Put(b)
	}
	p.queue, p.free = nil, nil
}
