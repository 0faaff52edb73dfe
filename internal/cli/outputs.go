package cli

import (
	"fmt"
	"sync"
)

// outputs tracks the temp files of this process, so that an interrupted run
// (see Execute) can discard them even while the command that made them is
// stuck in a read, and so that nothing is committed after that.
var outputs = &registry{live: map[*atomicFile]bool{}}

type registry struct {
	mu      sync.Mutex
	live    map[*atomicFile]bool
	stopped bool
}

func (r *registry) add(f *atomicFile) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return ErrInterrupted
	}
	r.live[f] = true
	return nil
}

// commit runs fn (which moves f into place) unless the run was stopped.
// Holding the lock makes commit and stop exclusive: an output is either
// placed whole before the stop or never.
func (r *registry) commit(f *atomicFile, fn func() error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.live[f] {
		if r.stopped {
			return ErrInterrupted
		}
		return fmt.Errorf("output file %s was already committed or aborted", f.path)
	}
	delete(r.live, f)
	return fn()
}

func (r *registry) abort(f *atomicFile) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live[f] {
		delete(r.live, f)
		f.discard()
	}
}

// stop discards every temp file and refuses later commits.
func (r *registry) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	for f := range r.live {
		f.discard()
		delete(r.live, f)
	}
}
