//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// nobody is the user permission tests run envseal as when the tests run
// as root, to whom every file is readable.
const nobody = 65534

// unprivileged returns a directory that the user running envseal may
// write in, and how to run envseal as that user: as itself, or, under
// root, as nobody with a copy of the binary that nobody may execute.
func unprivileged(t *testing.T) (dir string, run func(args ...string) result) {
	t.Helper()
	dir, err := os.MkdirTemp("", "envseal-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin, err := exec.LookPath("envseal")
	if err != nil {
		t.Fatal(err)
	}
	var attr *syscall.SysProcAttr
	if os.Getuid() == 0 {
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		bin = copyExecutable(t, bin, filepath.Join(dir, "envseal"))
		attr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	return dir, func(args ...string) result {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.SysProcAttr = dir, attr
		cmd.Env = append(os.Environ(), "ENVSEAL_KEY=")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		return finish(t, cmd, cmd.Run(), &out, &errb)
	}
}

func copyExecutable(t *testing.T, from, to string) string {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return to
}

// giveAway makes path belong to the user envseal runs as.
func giveAway(t *testing.T, path string) {
	t.Helper()
	if os.Getuid() == 0 {
		if err := os.Chown(path, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPermissionErrors: an unreadable input or key, and an output
// directory that cannot be written, each give exit 1, one line naming the
// file and the system's reason, a hint, and no output or temp file.
func TestPermissionErrors(t *testing.T) {
	t.Parallel()
	dir, run := unprivileged(t)
	mustRun(t, dir, "keygen", "-o", "k.key")
	giveAway(t, filepath.Join(dir, "k.key"))
	writeFile(t, filepath.Join(dir, "in.txt"), []byte("secret\n"))
	giveAway(t, filepath.Join(dir, "in.txt"))
	writeFile(t, filepath.Join(dir, "locked.txt"), []byte("secret\n"))
	os.Chmod(filepath.Join(dir, "locked.txt"), 0)
	mustRun(t, dir, "keygen", "-o", "locked.key")
	os.Chmod(filepath.Join(dir, "locked.key"), 0)
	if err := os.Mkdir(filepath.Join(dir, "ro"), 0o555); err != nil {
		t.Fatal(err)
	}
	if r := run("seal", "-k", "file:k.key", "-o", "ok.sealed", "in.txt"); r.code != 0 {
		t.Fatalf("the unprivileged user cannot seal at all: %s", r.stderr)
	}

	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unreadable input", []string{"seal", "-k", "file:k.key", "-o", "out", "locked.txt"},
			"envseal: error: failed to open input: open locked.txt: permission denied\n"},
		{"unreadable key", []string{"seal", "-k", "file:locked.key", "-o", "out", "in.txt"},
			"envseal: error: failed to open key file: open locked.key: permission denied\n"},
		{"output dir not writable", []string{"seal", "-k", "file:k.key", "-o", "ro/out", "in.txt"},
			"envseal: error: failed to create output file in ro: permission denied\n"},
		{"open into a read-only dir", []string{"open", "-k", "file:k.key", "-o", "ro/out", "ok.sealed"},
			"envseal: error: failed to create output file in ro: permission denied\n"},
	} {
		r := run(tt.args...)
		if r.code != 1 || !bytes.Contains(r.stderr, []byte(tt.msg)) || !bytes.Contains(r.stderr, []byte("envseal: hint: ")) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q with a hint", tt.name, r.code, r.stderr, tt.msg)
		}
		t.Logf("%s: %s", tt.name, r.stderr)
		if bytes.Count(r.stderr, []byte("\n")) > 2 {
			t.Errorf("%s: more than an error and a hint: %q", tt.name, r.stderr)
		}
	}
	for _, p := range []string{"out", "ro/out"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s exists: %v", p, err)
		}
	}
	if m := append(tempFiles(t, dir), tempFiles(t, filepath.Join(dir, "ro"))...); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}
