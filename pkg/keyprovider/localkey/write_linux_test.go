package localkey_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A key file must never be written under its final name: a crash between
// creating it and syncing its bytes would leave an empty or partial key
// there, which keygen's next run refuses to replace and which loses what
// was sealed to it. inotify shows which name each write went to.
func TestGenerateNeverWritesFinalName(t *testing.T) {
	for name, gen := range generators {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
			if err != nil {
				t.Skipf("inotify: %v", err)
			}
			defer unix.Close(fd)
			if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_MODIFY|unix.IN_CLOSE_WRITE|unix.IN_CREATE); err != nil {
				t.Skipf("inotify: %v", err)
			}
			if _, err := gen(filepath.Join(dir, "k.key"), false); err != nil {
				t.Fatal(err)
			}
			created := false
			for _, ev := range inotifyEvents(t, fd) {
				if ev.name != "k.key" {
					continue
				}
				if ev.mask&(unix.IN_MODIFY|unix.IN_CLOSE_WRITE) != 0 {
					t.Fatalf("k.key was written under its final name (event %#x)", ev.mask)
				}
				created = created || ev.mask&unix.IN_CREATE != 0
			}
			if !created {
				t.Fatal("no event for k.key: the watch saw nothing")
			}
		})
	}
}

type inotifyEvent struct {
	mask uint32
	name string
}

func inotifyEvents(t *testing.T, fd int) []inotifyEvent {
	var evs []inotifyEvent
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EAGAIN {
			return evs
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			raw := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(raw.Len)]
			evs = append(evs, inotifyEvent{raw.Mask, string(bytes.TrimRight(name, "\x00"))})
			off += unix.SizeofInotifyEvent + int(raw.Len)
		}
	}
}
