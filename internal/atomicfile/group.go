package atomicfile

import (
	"fmt"
	"sync"
)

// A Group tracks the temp files it created that are neither committed nor
// aborted, so that Stop can discard them from another goroutine while the
// one writing is stuck in a read, and so that nothing commits after that.
// A Group is safe for concurrent use.
type Group struct {
	mu      sync.Mutex
	live    map[*File]bool
	stopped bool
}

// NewGroup returns an empty Group.
func NewGroup() *Group {
	return &Group{live: map[*File]bool{}}
}

func (g *Group) add(f *File) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return ErrStopped
	}
	g.live[f] = true
	return nil
}

// commit runs fn (which moves f into place) unless the group was stopped.
// Holding the lock makes commit and Stop exclusive: an output is either
// placed whole before the stop or never.
func (g *Group) commit(f *File, fn func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.live[f] {
		if g.stopped {
			return ErrStopped
		}
		return fmt.Errorf("output file %s was already committed or aborted", f.path)
	}
	delete(g.live, f)
	return fn()
}

func (g *Group) abort(f *File) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live[f] {
		delete(g.live, f)
		f.discard()
	}
}

// Stop discards every live temp file; later Create and Commit calls fail
// with ErrStopped.
func (g *Group) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped = true
	for f := range g.live {
		f.discard()
		delete(g.live, f)
	}
}
