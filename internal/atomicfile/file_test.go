package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/envseal/envseal/internal/testci"
)

func tempLeft(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, tempPattern))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNoSpace is the disk-full test for machines that cannot mount a
// small filesystem (cmd/envseal's TestDiskFull does, as root): the temp
// file is /dev/full, where every write fails with ENOSPC, as it would on
// a full disk.
func TestNoSpace(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		testci.Require(t, "/dev/full", "", err)
	}
	createTemp = func(string) (*os.File, string, error) {
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		return f, "", err
	}
	t.Cleanup(func() { createTemp = openTemp })
	out := filepath.Join(t.TempDir(), "out")
	f, err := NewGroup().Create(out, Options{Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(bytes.Repeat([]byte("x"), 100000))
	var fe *Error
	if !errors.As(err, &fe) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want an Error for ENOSPC", err)
	}
	if want := "failed to write output file " + out + ": no space left on device"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	f.Abort()
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists: %v", err)
	}
}

// Temp files are 0600 while they are written, whatever the final mode:
// an open's temp file holds plaintext.
func TestTempFileMode(t *testing.T) {
	dir := t.TempDir()
	g := NewGroup()
	for _, mode := range []os.FileMode{0o644, 0o600} {
		path := filepath.Join(dir, mode.String())
		f, err := g.Create(path, Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("data")); err != nil {
			t.Fatal(err)
		}
		fi, err := f.tmp.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("temp file mode %v, want 0600", fi.Mode().Perm())
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("output mode %v (%v), want %v", fi.Mode().Perm(), err, mode)
		}
	}
	if m := tempLeft(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// The named temp file path (no O_TMPFILE: other systems, some
// filesystems) places and cleans up like the unnamed one.
func TestNamedTempFile(t *testing.T) {
	g := NewGroup()
	for _, force := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "out")
		if force {
			os.WriteFile(path, []byte("old"), 0o644)
		}
		tmp, name, err := openNamedTemp(dir)
		if err != nil {
			t.Fatal(err)
		}
		f := &File{group: g, path: path, tmp: tmp, name: name, force: force, mode: 0o644}
		if err := g.add(f); err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("new"))
		if err := f.Commit(); err != nil {
			t.Fatalf("force=%v: %v", force, err)
		}
		if got, _ := os.ReadFile(path); string(got) != "new" {
			t.Errorf("force=%v: output %q", force, got)
		}
		if m := tempLeft(t, dir); len(m) > 0 {
			t.Errorf("force=%v: temp files left: %v", force, m)
		}
	}
}

// Without Force an existing file is refused up front, and one created
// while the output was written is refused by Commit, never replaced;
// with Force it is replaced.
func TestExisting(t *testing.T) {
	dir := t.TempDir()
	g := NewGroup()
	path := filepath.Join(dir, "out")
	os.WriteFile(path, []byte("old"), 0o644)
	if _, err := g.Create(path, Options{Mode: 0o644}); !errors.Is(err, ErrExists) {
		t.Errorf("Create over an existing file: %v, want ErrExists", err)
	}
	late := filepath.Join(dir, "late")
	f, err := g.Create(late, Options{Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	os.WriteFile(late, []byte("theirs"), 0o644)
	if err := f.Commit(); !errors.Is(err, ErrExists) {
		t.Errorf("Commit over a file created meanwhile: %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(late); string(got) != "theirs" {
		t.Errorf("the other file was replaced: %q", got)
	}
	f, err = g.Create(path, Options{Force: true, Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("with Force: output %q", got)
	}
	if m := tempLeft(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// A directory or a device is never an output, not even with
// Force: renaming over /dev/null as root would replace the device.
func TestNotAFile(t *testing.T) {
	g := NewGroup()
	dir := t.TempDir()
	if _, err := g.Create(dir, Options{Force: true}); err == nil || err.Error() != "output "+dir+" is a directory" {
		t.Errorf("Create(dir) = %v", err)
	}
	if _, err := os.Stat(os.DevNull); err == nil {
		if _, err := g.Create(os.DevNull, Options{Force: true}); !errors.Is(err, ErrNotRegular) {
			t.Errorf("Create(%s) = %v, want ErrNotRegular", os.DevNull, err)
		}
	}
	var ce *CreateError
	if _, err := g.Create(filepath.Join(dir, "missing", "out"), Options{}); !errors.As(err, &ce) {
		t.Errorf("Create in a missing directory = %v, want a CreateError", err)
	}
}

// Abort removes the temp file, Commit after Abort does nothing, and
// nothing commits once the group was stopped (a signal, --timeout).
func TestAbortAndStop(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	g := NewGroup()
	f, err := g.Create(path, Options{Mode: 0o600})
	if err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	f.Abort()

	// A named temp file, so that tempLeft sees whether Stop removed it.
	stopped := NewGroup()
	h := &File{group: stopped, path: path, mode: 0o600}
	h.tmp, h.name, err = openNamedTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	stopped.add(h)
	stopped.Stop()
	if err := h.Commit(); !errors.Is(err, ErrStopped) {
		t.Errorf("commit after stop: %v", err)
	}
	if _, err := stopped.Create(path, Options{}); !errors.Is(err, ErrStopped) {
		t.Errorf("Create after stop: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("output exists: %v", err)
	}
	if m := tempLeft(t, dir); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// A Commit that fails must leave no output, even when the failure (here an
// injected close error) comes after the temp file was linked into place.
func TestCommitCloseError(t *testing.T) {
	closeErr := errors.New("injected close error")
	closeTemp = func(f *os.File) error {
		f.Close()
		return closeErr
	}
	t.Cleanup(func() { closeTemp = (*os.File).Close })
	for _, force := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "out")
		if force {
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		f, err := NewGroup().Create(path, Options{Force: force, Mode: 0o644})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("new")); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); !errors.Is(err, closeErr) {
			t.Fatalf("force=%v: Commit = %v, want the close error", force, err)
		}
		data, err := os.ReadFile(path)
		switch {
		case !force && !os.IsNotExist(err):
			t.Errorf("force=%v: output exists after a failed Commit (%q, %v)", force, data, err)
		case force && string(data) != "old":
			t.Errorf("force=%v: output = %q, %v; want the old file", force, data, err)
		}
		if left := tempLeft(t, dir); len(left) > 0 {
			t.Errorf("force=%v: temp files left: %v", force, left)
		}
	}
}
