package stream

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"time"
)

// waitGoroutines fails unless the goroutine count falls back to base. A
// batch goroutine exits just after it signals its batch done, so allow it
// a moment; a leaked one would stay forever.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	for i := 0; i < 200 && runtime.NumGoroutine() > base; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left running, want %d:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	withProcs(t, 4)
	p := pattern(4 << 20)
	ct := sequentialSeal(p)
	flipped := bytes.Clone(ct)
	flipped[PrefixSize+3*EncChunkSize] ^= 1

	cases := map[string]func(t *testing.T){
		"Writer, destination fails": func(t *testing.T) {
			w, _ := newWriter(pipeKey, pipeSalt, &failAfter{n: 2}, pipeContext)
			if _, err := io.Copy(w, bytes.NewReader(p)); err == nil {
				t.Fatal("copy succeeded")
			}
		},
		"Writer, abandoned without Close": func(t *testing.T) {
			w, _ := newWriter(pipeKey, pipeSalt, io.Discard, pipeContext)
			if _, err := w.Write(p); err != nil {
				t.Fatal(err)
			}
		},
		"Reader, abandoned after one Read": func(t *testing.T) {
			r, _ := NewReader(pipeKey, bytes.NewReader(ct), pipeContext)
			if _, err := r.Read(make([]byte, 1)); err != nil {
				t.Fatal(err)
			}
			if r.p.started == 0 || r.p.empty() {
				t.Fatal("nothing in flight: the test proves nothing")
			}
		},
		"Reader, chunk fails early": func(t *testing.T) {
			r, _ := NewReader(pipeKey, bytes.NewReader(flipped), pipeContext)
			if _, err := io.ReadAll(r); err == nil {
				t.Fatal("tampered payload accepted")
			}
		},
		"Reader, WriteTo destination fails": func(t *testing.T) {
			r, _ := NewReader(pipeKey, bytes.NewReader(ct), pipeContext)
			if _, err := io.Copy(&failAfter{n: 1}, r); err == nil {
				t.Fatal("copy succeeded")
			}
		},
		"Reader, source fails": func(t *testing.T) {
			src := &failingReader{p: ct[:len(ct)/2], err: errors.New("boom")}
			r, _ := NewReader(pipeKey, src, pipeContext)
			if _, err := io.Copy(io.Discard, r); err == nil {
				t.Fatal("copy succeeded")
			}
		},
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			run(t)
			waitGoroutines(t, base)
		})
	}
}
