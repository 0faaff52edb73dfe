package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/cli"
)

// runCLI runs envseal in-process in dir and returns its stdout, stderr (as
// main prints it) and exit code.
func runCLI(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	ios := &cli.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	root := cli.NewCmdRoot(ios, "test")
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		cli.PrintError(&errOut, err)
	}
	return out.String(), errOut.String(), cli.ExitCode(err)
}

const (
	sumA = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" // "hello\n"
	sumB = "0000000000000000000000000000000000000000000000000000000000000000"
)

func TestHashCheck(t *testing.T) {
	long := strings.Repeat("0", 20<<10) + "  a.txt\n"
	tests := []struct {
		name, sums, stdin string
		args              []string
		out, errOut       string
		code              int
	}{
		{"ok", sumA + "  a.txt\n", "", nil, "a.txt: OK\n", "", 0},
		{"no final newline", sumA + "  a.txt", "", nil, "a.txt: OK\n", "", 0},
		{"mismatch", sumB + "  a.txt\n", "", nil, "a.txt: FAILED\n",
			"envseal: error: 1 computed checksum did NOT match\n", 1},
		{"two mismatches", sumB + "  a.txt\n" + sumB + " *a.txt\n", "", nil, "a.txt: FAILED\na.txt: FAILED\n",
			"envseal: error: 2 computed checksums did NOT match\n", 1},
		{"missing", sumA + "  nope\n" + sumA + "  a.txt\n", "", nil, "nope: FAILED open or read\na.txt: OK\n",
			"envseal: warning: nope: no such file or directory\nenvseal: error: 1 listed file could not be read\n", 1},
		{"line too long is skipped", long + sumA + "  a.txt\n", "", nil, "a.txt: OK\n",
			"envseal: warning: SUMS:1: improperly formatted checksum line: line too long\nenvseal: warning: 1 line is improperly formatted\n", 0},
		{"strict", "x\n" + sumA + "  a.txt\n", "", []string{"--strict"}, "a.txt: OK\n",
			"envseal: warning: SUMS:1: improperly formatted checksum line: the line does not start with a hex digest\nenvseal: error: 1 line is improperly formatted\n", 1},
		{"only comments", "# nothing\n", "", nil, "",
			"envseal: error: SUMS: no properly formatted checksum lines found\n", 1},
		{"stdin named in a file list", sumA + "  -\n", "hello\n", nil, "-: OK\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "SUMS"), []byte(tt.sums), 0o644)
			out, errOut, code := runCLI(t, dir, tt.stdin, append([]string{"hash", "-c", "SUMS"}, tt.args...)...)
			if out != tt.out || errOut != tt.errOut || code != tt.code {
				t.Errorf("got exit %d\nstdout %q\nstderr %q\nwant exit %d\nstdout %q\nstderr %q",
					code, out, errOut, tt.code, tt.out, tt.errOut)
			}
		})
	}
}

// A list read from stdin cannot name "-": stdin is the list.
func TestHashCheckStdinList(t *testing.T) {
	out, errOut, code := runCLI(t, t.TempDir(), sumA+"  -\n", "hash", "-c", "-")
	if out != "" || code != 1 || !strings.Contains(errOut, "names standard input, which holds the list") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestHashPrint(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello\n"), 0o644)
	tests := []struct {
		args  []string
		stdin string
		out   string
		code  int
	}{
		{[]string{"hash", "a.txt"}, "", sumA + "  a.txt\n", 0},
		{[]string{"hash"}, "hello\n", sumA + "  -\n", 0},
		{[]string{"hash", "--tag", "-"}, "hello\n", "SHA256 (-) = " + sumA + "\n", 0},
		{[]string{"hash", "-a", "sha3-256", "a.txt"}, "", "", 0},
		{[]string{"hash", "-a", "md5"}, "", "", 2},
		{[]string{"hash", "--tag", "-c", "SUMS"}, "", "", 2},
		{[]string{"hash", "nope"}, "", "", 1},
	}
	for _, tt := range tests {
		out, errOut, code := runCLI(t, dir, tt.stdin, tt.args...)
		if code != tt.code || (tt.out != "" && out != tt.out) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tt.args, code, out, errOut)
		}
	}
}
