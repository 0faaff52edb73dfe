package cli

import (
	"context"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/spf13/cobra"
)

// These tests parse argv into each command's Options through its runF,
// the way gh tests its commands: nothing runs, no key is opened, and what
// a flag means is checked apart from what the command then does.

// parseArgs builds a command with newCmd, runs it on argv with a runF
// that captures the Options, and returns them (nil if runF was not
// reached) and the error.
func parseArgs[T any](t *testing.T, newCmd func(*IOStreams, func(context.Context, *T) error) *cobra.Command, argv ...string) (*T, error) {
	t.Helper()
	var got *T
	ios := &IOStreams{Out: io.Discard, ErrOut: io.Discard}
	cmd := newCmd(ios, func(_ context.Context, opts *T) error {
		got = opts
		return nil
	})
	cmd.SetArgs(argv)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return got, err
}

// wantUsage fails unless err is a UsageError (exit 2) with message msg.
func wantUsage(t *testing.T, err error, msg string) {
	t.Helper()
	var ue *UsageError
	if !errors.As(err, &ue) || ExitCode(err) != ExitUsage || err.Error() != msg {
		t.Errorf("err = %v, want the usage error %q", err, msg)
	}
}

func TestSealOptions(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want SealOptions
	}{
		{nil, SealOptions{Inputs: []string{}}},
		{[]string{"-k", "file:a.key", "--key", "awskms:///alias/x", "-c", "app=b", "--context", "env=prod", "-o", "out.sealed", "in.txt"},
			SealOptions{Keys: []string{"file:a.key", "awskms:///alias/x"}, Context: []string{"app=b", "env=prod"},
				Output: "out.sealed", Input: "in.txt", Inputs: []string{"in.txt"}}},
		{[]string{"-f", "-a", "-"}, SealOptions{Force: true, Armor: true, Input: "-", Inputs: []string{"-"}}},
		{[]string{"-o", "dir", "a", "b"}, SealOptions{Output: "dir", Inputs: []string{"a", "b"}}},
		{[]string{"-j", "3", "--fail-fast", "-o", "dir", "a", "b"},
			SealOptions{Output: "dir", Inputs: []string{"a", "b"}, Batch: BatchOptions{Jobs: 3, FailFast: true}}},
	} {
		if tt.want.Batch == (BatchOptions{}) {
			tt.want.Batch.Jobs = defaultJobs
		}
		got, err := parseArgs(t, NewCmdSeal, tt.argv...)
		if err != nil {
			t.Errorf("%q: %v", tt.argv, err)
			continue
		}
		got.IO = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.argv, *got, tt.want)
		}
	}
	if _, err := parseArgs(t, NewCmdSeal, "--no-such-flag"); err == nil {
		t.Error("an unknown flag parsed")
	}
}

func TestOpenOptions(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want OpenOptions
	}{
		{[]string{"f.sealed"}, OpenOptions{Input: "f.sealed", Inputs: []string{"f.sealed"}, Length: -1}},
		{[]string{"--offset", "-100", "f.sealed"},
			OpenOptions{Input: "f.sealed", Inputs: []string{"f.sealed"}, Ranged: true, Offset: -100, Length: -1}},
		{[]string{"--length", "0", "f.sealed"},
			OpenOptions{Input: "f.sealed", Inputs: []string{"f.sealed"}, Ranged: true, Length: 0}},
		{[]string{"--discovery", "--allow-key", "arn:a", "--allow-key", "arn:b", "-f", "-o", "-"},
			OpenOptions{Discovery: true, AllowKeys: []string{"arn:a", "arn:b"}, Force: true, Output: "-", Inputs: []string{}, Length: -1}},
		{[]string{"--legacy-openssl", "--pass", "pass:x", "--iter", "1000", "--md", "md5", "old.enc"},
			OpenOptions{LegacyOpenSSL: true, Legacy: LegacyOptions{Pass: "pass:x", Iter: 1000, MD: "md5"},
				Input: "old.enc", Inputs: []string{"old.enc"}, Length: -1}},
		{[]string{"--jobs", "32", "-o", "d", "a.sealed"},
			OpenOptions{Output: "d", Input: "a.sealed", Inputs: []string{"a.sealed"}, Length: -1, Batch: BatchOptions{Jobs: 32}}},
	} {
		if tt.want.Batch == (BatchOptions{}) {
			tt.want.Batch.Jobs = defaultJobs
		}
		got, err := parseArgs(t, NewCmdOpen, tt.argv...)
		if err != nil {
			t.Errorf("%q: %v", tt.argv, err)
			continue
		}
		got.IO = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.argv, *got, tt.want)
		}
	}
	got, err := parseArgs(t, NewCmdOpen, "--length", "-1", "f.sealed")
	wantUsage(t, err, "--length must be 0 or more, not -1")
	if got != nil {
		t.Error("runF ran with a negative --length")
	}
}

func TestRewrapOptions(t *testing.T) {
	got, err := parseArgs(t, NewCmdRewrap, "-k", "file:a.key", "--add", "file:b.key", "--add", "awskms:///alias/c",
		"--remove", "id1", "--in-place", "-f", "f.sealed")
	if err != nil {
		t.Fatal(err)
	}
	got.IO = nil
	want := RewrapOptions{Keys: []string{"file:a.key"}, Add: []string{"file:b.key", "awskms:///alias/c"},
		Remove: []string{"id1"}, InPlace: true, Force: true, Input: "f.sealed", Inputs: []string{"f.sealed"},
		Batch: BatchOptions{Jobs: defaultJobs}}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("got %+v\nwant %+v", *got, want)
	}
	got, err = parseArgs(t, NewCmdRewrap, "-o", "-", "-")
	if err != nil || got.Output != "-" || got.Input != "-" {
		t.Errorf("-o - -: %+v, %v", got, err)
	}
	got, err = parseArgs(t, NewCmdRewrap, "--add", "file:b.key", "--in-place", "--dry-run", "--json", "-j", "4", "a.sealed", "tree")
	if err != nil || !got.DryRun || !got.JSON || got.Batch.Jobs != 4 || !reflect.DeepEqual(got.Inputs, []string{"a.sealed", "tree"}) {
		t.Errorf("bulk: %+v, %v", got, err)
	}
	for _, argv := range [][]string{{"--add", "file:b.key"}} {
		if got, err := parseArgs(t, NewCmdRewrap, argv...); ExitCode(err) != ExitUsage || got != nil {
			t.Errorf("%q: %v, want a usage error before runF", argv, err)
		}
	}
}

func TestExecOptions(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want ExecOptions
	}{
		{[]string{"-k", "file:a.key", "-c", "env=prod", "-e", "a.env.sealed", "--env-file", "b.env.sealed",
			"--file", "KUBECONFIG=k.sealed", "--", "kubectl", "get", "pods"},
			ExecOptions{Keys: []string{"file:a.key"}, Context: []string{"env=prod"},
				EnvFiles: []string{"a.env.sealed", "b.env.sealed"}, Files: []string{"KUBECONFIG=k.sealed"},
				Command: []string{"kubectl", "get", "pods"}}},
		// Flags after CMD are CMD's, with or without --.
		{[]string{"-e", "a.env.sealed", "ls", "-l", "--key", "x"},
			ExecOptions{EnvFiles: []string{"a.env.sealed"}, Command: []string{"ls", "-l", "--key", "x"}}},
	} {
		got, err := parseArgs(t, NewCmdExec, tt.argv...)
		if err != nil {
			t.Errorf("%q: %v", tt.argv, err)
			continue
		}
		got.IO = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.argv, *got, tt.want)
		}
	}
	got, err := parseArgs(t, NewCmdExec, "-e", "a.env.sealed", "--")
	wantUsage(t, err, "exec needs a command to run")
	if got != nil {
		t.Error("runF ran without a command")
	}
}

func TestEditSetGetCheckOptions(t *testing.T) {
	edit, err := parseArgs(t, NewCmdEdit, "-k", "file:a.key", "--key", "file:b.key", "--rotate-data-key", "f.sealed")
	if err != nil || !reflect.DeepEqual(edit.Keys, []string{"file:a.key", "file:b.key"}) || !edit.RotateDataKey || edit.File != "f.sealed" {
		t.Errorf("edit: %+v, %v", edit, err)
	}
	if _, err := parseArgs(t, NewCmdEdit, "a.sealed", "b.sealed"); ExitCode(err) != ExitUsage {
		t.Errorf("edit with two files: %v, want a usage error", err)
	}
	set, err := parseArgs(t, NewCmdSet, "-k", "file:a.key", "f.sealed", "API_TOKEN")
	if err != nil || set.File != "f.sealed" || set.Name != "API_TOKEN" {
		t.Errorf("set: %+v, %v", set, err)
	}
	if set, err := parseArgs(t, NewCmdSet, "--allow-empty", "f.sealed", "API_TOKEN"); err != nil || !set.AllowEmpty {
		t.Errorf("set --allow-empty: %+v, %v", set, err)
	}
	// the value is never an argument
	if _, err := parseArgs(t, NewCmdSet, "f.sealed", "API_TOKEN", "s3cret"); ExitCode(err) != ExitUsage {
		t.Errorf("set with a value argument: %v, want a usage error", err)
	}
	get, err := parseArgs(t, NewCmdGet, "f.sealed")
	if err != nil || get.File != "f.sealed" || get.Name != "" {
		t.Errorf("get without NAME: %+v, %v", get, err)
	}
	unset, err := parseArgs(t, NewCmdUnset, "f.sealed", "OLD")
	if err != nil || unset.Name != "OLD" {
		t.Errorf("unset: %+v, %v", unset, err)
	}
	check, err := parseArgs(t, NewCmdCheck, "--recipient", "id1", "--recipient", "id2", "-c", "env=prod", "a.sealed", "b.sealed")
	if err != nil || !reflect.DeepEqual(check.Recipients, []string{"id1", "id2"}) ||
		!reflect.DeepEqual(check.Context, []string{"env=prod"}) || !reflect.DeepEqual(check.Files, []string{"a.sealed", "b.sealed"}) {
		t.Errorf("check: %+v, %v", check, err)
	}
	_, err = parseArgs(t, NewCmdCheck)
	wantUsage(t, err, "check needs at least one file")
}
