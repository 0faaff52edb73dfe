//go:build unix

package supervise

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func run(t *testing.T, ctx context.Context, argv ...string) (int, string, error) {
	t.Helper()
	var out bytes.Buffer
	code, err := Run(ctx, &Cmd{Argv: argv, Stdout: &out, Stderr: &out})
	return code, out.String(), err
}

// The child's status is reported as a shell does: its exit code, 128+N
// when signal N killed it.
func TestExitStatus(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		script string
		code   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"kill -TERM $$", 128 + 15},
	} {
		code, out, err := run(t, ctx, "sh", "-c", tt.script)
		if err != nil || code != tt.code {
			t.Errorf("%s: %d, %v (%s); want %d", tt.script, code, err, out, tt.code)
		}
	}
}

// A command that is not there, or cannot be run, is a StartError with
// the status a shell gives.
func TestStartError(t *testing.T) {
	var se *StartError
	_, _, err := run(t, context.Background(), "/nonexistent/envseal-test")
	if !errors.As(err, &se) || se.Code != ExitNotFound {
		t.Errorf("missing command: %v, want a StartError with %d", err, ExitNotFound)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	if err := os.WriteFile(bad, []byte{0, 1, 2, 3}, 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t, context.Background(), bad)
	if !errors.As(err, &se) || se.Code != ExitCannotRun {
		t.Errorf("not an executable format: %v, want a StartError with %d", err, ExitCannotRun)
	}
}

// A context done before the start runs nothing; a passed deadline stops
// the child with SIGTERM.
func TestStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := run(t, ctx, "true"); !errors.Is(err, ErrNotStarted) {
		t.Errorf("cancelled before the start: %v, want ErrNotStarted", err)
	}
	if !Started() {
		t.Error("Started() = false after Run")
	}
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	code, _, err := run(t, ctx, "sleep", "30")
	if err != nil || code != 128+15 || time.Since(start) > 5*time.Second {
		t.Errorf("after the deadline: %d, %v after %v; want %d at once", code, err, time.Since(start), 128+15)
	}
}
