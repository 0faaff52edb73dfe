package term

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Without a terminal (none to open, or a file that is not one) there is
// no prompt: ErrNoTerminal, for the backend to turn into its own hint.
func TestNoTerminal(t *testing.T) {
	none := func() (*os.File, error) { return nil, errors.New("no tty") }
	file := func() (*os.File, error) { return os.Create(filepath.Join(t.TempDir(), "tty")) }
	for name, open := range map[string]func() (*os.File, error){"none": none, "file": file} {
		if CanPrompt(open) {
			t.Errorf("%s: CanPrompt = true", name)
		}
		if _, err := ReadSecret(open, "PIN:"); !errors.Is(err, ErrNoTerminal) {
			t.Errorf("%s: ReadSecret: %v, want ErrNoTerminal", name, err)
		}
	}
	if CanPrompt(nil) {
		t.Error("CanPrompt(nil) = true")
	}
}
