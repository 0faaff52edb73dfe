package secretdir

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A directory is private, named for this process, holds files that are
// private and never reused, and is gone after Remove.
func TestDir(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Remove()
	fi, err := os.Stat(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", fi.Mode().Perm())
	}
	if !strings.HasPrefix(filepath.Base(d.Path), prefix) || filepath.Dir(d.Path) != os.Getenv("TMPDIR") {
		t.Errorf("directory %s, want %s* in $TMPDIR", d.Path, prefix)
	}
	f, err := d.Create("creds.json")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, err := os.Stat(f.Name()); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("file: %v, %v; want mode 0600", fi, err)
	}
	if _, err := d.Create("creds.json"); !os.IsExist(err) {
		t.Errorf("second Create: %v, want an error for an existing file", err)
	}
	if runtime.GOOS == "linux" && len(d.Inherit()) != 1 {
		t.Errorf("Inherit() = %v, want the directory's lock", d.Inherit())
	}
	d.Remove()
	if _, err := os.Stat(d.Path); !os.IsNotExist(err) {
		t.Errorf("after Remove: %v", err)
	}
}

// A sweep removes the directory of a gone process that nobody holds, and
// keeps that of this one.
func TestSweep(t *testing.T) {
	origin := pidOrigin()
	if origin == "" {
		t.Skip("no boot and pid namespace id here: nothing is swept")
	}
	parent := t.TempDir()
	t.Setenv("TMPDIR", parent)
	live, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	// pid 0x7ffffffe is above any pid_max: no such process.
	gone := filepath.Join(parent, prefix+origin+"-2147483646-x")
	if err := os.Mkdir(gone, 0o700); err != nil {
		t.Fatal(err)
	}
	sweep(parent)
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("a gone run's directory is still there: %v", err)
	}
	if _, err := os.Stat(live.Path); err != nil {
		t.Errorf("this run's directory was removed: %v", err)
	}
}

// NewEdit puts its directory in $XDG_RUNTIME_DIR when that is set, named
// for edit, and a sweep removes a gone edit run's directory there.
func TestNewEdit(t *testing.T) {
	run := t.TempDir()
	// what the XDG spec requires, and NewEdit checks
	if err := os.Chmod(run, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_RUNTIME_DIR", run)
	var gone string
	if origin := pidOrigin(); origin != "" {
		gone = filepath.Join(run, "envseal-edit-"+origin+"-2147483646-x")
		if err := os.Mkdir(gone, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d, err := NewEdit()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Remove()
	if filepath.Dir(d.Path) != run || !strings.HasPrefix(filepath.Base(d.Path), "envseal-edit-") {
		t.Errorf("directory %s, want envseal-edit-* in $XDG_RUNTIME_DIR", d.Path)
	}
	if fi, err := os.Stat(d.Path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v, %v; want mode 0700", fi, err)
	}
	if gone != "" {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("a gone edit run's directory is still there: %v", err)
		}
	}
}
