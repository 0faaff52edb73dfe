//go:build unix

package secretdir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testci"
)

// A parent is used only if no other user can rename entries in it: the
// owner of $XDG_RUNTIME_DIR could otherwise swap the edit directory for
// one with a symbolic link and receive the plaintext the editor saves.
func TestCheckParent(t *testing.T) {
	// The "other user": as root a real chown to nobody, else this user's
	// directories judged for another euid.
	me, other := os.Geteuid(), os.Geteuid()+1
	foreign := func(dir string) {}
	if me == 0 {
		other = me
		foreign = func(dir string) {
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk := func(mode os.FileMode, own bool) string {
		dir := filepath.Join(t.TempDir(), "p")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		if !own {
			foreign(dir)
		}
		return dir
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o600)
	tests := []struct {
		name    string
		path    string
		private bool
		euid    int
		ok      bool
	}{
		{"runtime dir, mine, 0700", mk(0o700, true), true, me, true},
		{"runtime dir, mine, 0755", mk(0o755, true), true, me, false},
		{"runtime dir, another user's", mk(0o700, false), true, other, false},
		{"temp dir, mine, 0755", mk(0o755, true), false, me, true},
		{"temp dir, another user's", mk(0o755, false), false, other, false},
		{"temp dir, world-writable", mk(0o777, true), false, me, false},
		{"temp dir, world-writable and sticky", mk(0o777|os.ModeSticky, true), false, me, true},
		{"a file", file, false, me, false},
	}
	for _, tt := range tests {
		fi, err := os.Lstat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkParent(tt.path, fi, tt.private, tt.euid); (err == nil) != tt.ok {
			t.Errorf("%s: checkParent = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

// NewEdit passes over an $XDG_RUNTIME_DIR another user owns (sudo -E), and
// over one that is a symbolic link, for the next parent.
func TestNewEditForeignRuntimeDir(t *testing.T) {
	if os.Geteuid() != 0 {
		testci.Require(t, "root", "a directory of another user needs root to make", errors.New("not root"))
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	run := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(run, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	mine := t.TempDir()
	if err := os.Symlink(mine, link); err != nil {
		t.Fatal(err)
	}
	for _, xdg := range []string{run, link} {
		t.Setenv("XDG_RUNTIME_DIR", xdg)
		d, err := NewEdit()
		if err != nil {
			t.Fatal(err)
		}
		d.Remove()
		if strings.HasPrefix(d.Path, xdg+"/") || strings.HasPrefix(d.Path, mine+"/") {
			t.Errorf("XDG_RUNTIME_DIR=%s: directory %s made in it", xdg, d.Path)
		}
	}
}

// exec's directory is not made in a $TMPDIR others can write to.
func TestNewWorldWritableTMPDIR(t *testing.T) {
	tmp := t.TempDir()
	if err := os.Chmod(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	if d, err := New(); err == nil {
		d.Remove()
		t.Errorf("New made %s in a world-writable, non-sticky $TMPDIR", d.Path)
	}
}

// The edited file is read back through the directory's descriptor: a
// symbolic link put in its place is refused, and so is a directory that
// was moved away and replaced.
func TestDirOpenAndCheck(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Remove()
	f, err := d.Create("plain")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := d.Check(); err != nil {
		t.Errorf("Check of an untouched directory: %v", err)
	}
	loot := filepath.Join(t.TempDir(), "loot")
	os.WriteFile(loot, []byte("attacker"), 0o600)
	if err := os.Symlink(loot, filepath.Join(d.Path, "link")); err != nil {
		t.Fatal(err)
	}
	if f, err := d.Open("link"); err == nil {
		f.Close()
		t.Error("Open followed a symbolic link")
	}
	if _, err := d.Create("link2"); err != nil {
		t.Fatal(err)
	}
	moved := d.Path + ".moved"
	if err := os.Rename(d.Path, moved); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(moved)
	if err := os.Mkdir(d.Path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := d.Check(); err == nil {
		t.Error("Check passed a replaced directory")
	}
	// still the original through the descriptor
	if f, err := d.Open("plain"); err != nil {
		t.Errorf("Open through the descriptor after the move: %v", err)
	} else {
		f.Close()
	}
}

// Every run sweeps every parent either kind uses, not only up to the one
// its own directory goes in: exec removes a killed edit's directory in
// $XDG_RUNTIME_DIR, and edit one in $TMPDIR when $XDG_RUNTIME_DIR works.
func TestSweepAllParents(t *testing.T) {
	origin := pidOrigin()
	if origin == "" {
		t.Skip("no boot and pid namespace id here: nothing is swept")
	}
	run, tmp := t.TempDir(), t.TempDir()
	if err := os.Chmod(run, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_RUNTIME_DIR", run)
	t.Setenv("TMPDIR", tmp)
	// pid 0x7ffffffe is above any pid_max: no such process.
	goneEdit := filepath.Join(run, "envseal-edit-"+origin+"-2147483646-x")
	goneExec := filepath.Join(tmp, prefix+origin+"-2147483646-y")
	for _, d := range []string{goneEdit, goneExec} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	d.Remove()
	if _, err := os.Stat(goneEdit); !os.IsNotExist(err) {
		t.Errorf("exec left a killed edit's directory in $XDG_RUNTIME_DIR: %v", err)
	}
	if err := os.Mkdir(goneExec+"2", 0o700); err != nil {
		t.Fatal(err)
	}
	d, err = NewEdit()
	if err != nil {
		t.Fatal(err)
	}
	d.Remove()
	if filepath.Dir(d.Path) != run {
		t.Fatalf("edit directory %s, want it in $XDG_RUNTIME_DIR", d.Path)
	}
	if _, err := os.Stat(goneExec + "2"); !os.IsNotExist(err) {
		t.Errorf("edit left a killed run's directory in $TMPDIR: %v", err)
	}
}
