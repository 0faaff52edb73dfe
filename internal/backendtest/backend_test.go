package backendtest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/cli"
)

// run runs envseal in-process in dir, as cmd/envseal's main does.
func run(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	ios := &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	root := cli.NewCmdRoot(ios, "test")
	root.SetArgs(args)
	err := cli.Execute(context.Background(), root)
	if err != nil {
		cli.PrintError(&errOut, err)
	}
	return out.String(), errOut.String(), cli.ExitCode(err)
}

// mustRun runs envseal and fails the test unless it exits 0.
func mustRun(t *testing.T, dir string, args ...string) (stdout, stderr string) {
	t.Helper()
	out, errOut, code := run(t, dir, args...)
	if code != 0 {
		t.Fatalf("envseal %q: exit %d\n%s", args, code, errOut)
	}
	return out, errOut
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestThrowawayBackend(t *testing.T) {
	t.Setenv("ENVSEAL_KEY", "")
	dir := t.TempDir()
	plain := []byte("DB_PASSWORD=hunter2\n")
	if err := os.WriteFile(filepath.Join(dir, "secrets.env"), plain, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("keygen", func(t *testing.T) {
		out, _ := mustRun(t, dir, "--test-flavour", "mint", "keygen", "--key", "testkey:alpha")
		if out != "testkey:alpha\n" {
			t.Errorf("keygen printed %q", out)
		}
		if got := toyStore.flavours["alpha"]; got != "mint" {
			t.Errorf("the --test-flavour setting reached the backend as %q", got)
		}
		_, errOut, code := run(t, dir, "keygen", "--key", "testkey:beta", "--type", "aes-256")
		if code != 2 || !strings.Contains(errOut, "--type does not apply to test keys") || !strings.Contains(errOut, "use --spec") {
			t.Errorf("keygen --type: exit %d, %q; want the backend's usage error, exit 2", code, errOut)
		}
	})

	t.Run("seal, open, inspect", func(t *testing.T) {
		mustRun(t, dir, "seal", "--key", "testkey:alpha", "-o", "a.sealed", "secrets.env")
		mustRun(t, dir, "open", "--key", "testkey:alpha", "-o", "a.out", "a.sealed")
		if got := readFile(t, filepath.Join(dir, "a.out")); !bytes.Equal(got, plain) {
			t.Errorf("round trip gave %q", got)
		}
		out, _ := mustRun(t, dir, "inspect", "a.sealed")
		if !strings.Contains(out, "testkey testkey:alpha (") {
			t.Errorf("inspect does not name the test recipient:\n%s", out)
		}
	})

	t.Run("discovery", func(t *testing.T) {
		mustRun(t, dir, "open", "--discovery", "-o", "d.out", "a.sealed")
		if got := readFile(t, filepath.Join(dir, "d.out")); !bytes.Equal(got, plain) {
			t.Errorf("discovery gave %q", got)
		}
	})

	t.Run("rewrap", func(t *testing.T) {
		mustRun(t, dir, "keygen", "-o", "team.key")
		mustRun(t, dir, "seal", "--key", "file:team.key", "-o", "b.sealed", "secrets.env")
		_, errOut := mustRun(t, dir, "rewrap", "--key", "file:team.key", "--add", "testkey:alpha", "--in-place", "b.sealed")
		if !strings.Contains(errOut, "envseal: warning: "+toyRewrapNotice) {
			t.Errorf("rewrap did not take the backend's fallback: %q", errOut)
		}
		out, _ := mustRun(t, dir, "inspect", "b.sealed")
		if !strings.Contains(out, "testkey testkey:alpha (") || !strings.Contains(out, "recipient 2:") {
			t.Errorf("rewrap did not add the test recipient:\n%s", out)
		}
		mustRun(t, dir, "open", "--key", "testkey:alpha", "-o", "b.out", "b.sealed")
		if got := readFile(t, filepath.Join(dir, "b.out")); !bytes.Equal(got, plain) {
			t.Errorf("opening the rewrapped file with the test key gave %q", got)
		}
	})

	t.Run("hint", func(t *testing.T) {
		_, errOut, code := run(t, dir, "open", "--key", "testkey:missing", "a.sealed")
		if code != 1 || !strings.Contains(errOut, "no such test key") || !strings.Contains(errOut, toyHint) {
			t.Errorf("exit %d, %q; want the backend's hint", code, errOut)
		}
	})

	t.Run("bad URI", func(t *testing.T) {
		_, errOut, _ := run(t, dir, "open", "--key", "nokey", "a.sealed")
		want := "hint: key URIs look like age:key.txt, file:key.pem, pub:team.pub, awskms:///alias/NAME, pkcs11:token=T;object=NAME or testkey:NAME\n"
		if !strings.HasSuffix(errOut, want) {
			t.Errorf("stderr %q does not end with %q", errOut, want)
		}
	})

	t.Run("completion", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"seal", "--key", ""}, "testkey:"},
			{[]string{"rewrap", "--add", "test"}, "testkey:"},
			{[]string{"keygen", "--key", ""}, "testkey:"},
			{[]string{"keygen", "--spec", "TOY"}, "TOY_2"},
		} {
			out, _ := mustRun(t, dir, append([]string{"__complete"}, tt.args...)...)
			if !slices.Contains(strings.Split(out, "\n"), tt.want) {
				t.Errorf("completing %q offers %q, not %q", tt.args, out, tt.want)
			}
		}
		out, _ := mustRun(t, dir, "__complete", "seal", "--test-flavour", "")
		if strings.TrimSpace(out) != ":4" {
			t.Errorf("completing a setting offers %q, want no files (:4)", out)
		}
	})

	t.Run("close", func(t *testing.T) {
		before := toyStore.closed
		cli.Cleanup()
		if toyStore.closed != before+1 {
			t.Errorf("Cleanup closed the test backend %d times", toyStore.closed-before)
		}
	})
}
