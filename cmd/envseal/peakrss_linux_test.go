//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// watchRSS samples the peak resident set size (VmHWM) of a running process
// until the returned function is called, which returns the largest sample
// in bytes, or -1 if none was taken.
//
// It reads /proc rather than the rusage from wait4: Go starts children with
// vfork, and Linux then counts the parent's own peak RSS (here, the test
// process running every script at once) in the child's ru_maxrss.
func watchRSS(pid int) (stop func() int64) {
	done, peak := make(chan struct{}), make(chan int64)
	go func() {
		max := int64(-1)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if v, ok := vmHWM(pid); ok && v > max {
				max = v
			}
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 { close(done); return <-peak }
}

// vmHWM reads VmHWM from /proc/PID/status, in bytes.
func vmHWM(pid int) (int64, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	_, rest, ok := bytes.Cut(data, []byte("\nVmHWM:"))
	if !ok {
		return 0, false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(line), []byte(" kB"))), 10, 64)
	return kb << 10, err == nil
}
