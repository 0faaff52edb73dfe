package term

import (
	"fmt"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns both ends of a new pseudo-terminal.
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pts.Close() })
	return ptm, pts
}

func echoOn(t *testing.T, f *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// TestRestoreTerminalDuringPrompt: a prompt that never gets its answer
// (the user pressed ^C) leaves echo off until RestoreTerminal, which the
// command line calls on its way out.
func TestRestoreTerminalDuringPrompt(t *testing.T) {
	ptm, pts := openPTY(t)
	// ReadSecret gets (and closes) its own descriptor of the pts; it
	// returns when the master closes at cleanup. Never answered.
	dup, err := unix.Dup(int(pts.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	go ReadSecret(func() (*os.File, error) { return os.NewFile(uintptr(dup), pts.Name()), nil }, "PIN")
	go func() { // drain the prompt text so the writer never blocks
		buf := make([]byte, 256)
		for {
			if _, err := ptm.Read(buf); err != nil {
				return
			}
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for echoOn(t, pts) {
		if time.Now().After(deadline) {
			t.Fatal("the prompt never turned echo off")
		}
		time.Sleep(5 * time.Millisecond)
	}
	RestoreTerminal()
	if !echoOn(t, pts) {
		t.Fatal("echo is still off after RestoreTerminal")
	}
}
