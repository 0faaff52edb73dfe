package localkey_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// generators make a key file at path, both kinds.
var generators = map[string]func(path string, force bool) (string, error){
	"kek": func(path string, force bool) (string, error) {
		k, err := localkey.Generate(path, force)
		if err != nil {
			return "", err
		}
		return k.KeyID(), nil
	},
	"ed25519": func(path string, force bool) (string, error) {
		_, err := localkey.GenerateSigningKey(path, localkey.Ed25519, force)
		return "", err
	},
}

// A key file is created whole or not at all: no temp file is left, on
// success or when the path exists; an existing file is never replaced
// without force; the mode is 0600 whatever the umask.
func TestGenerateWritesAtomically(t *testing.T) {
	for name, gen := range generators {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "k.key")
			if _, err := gen(path, false); err != nil {
				t.Fatal(err)
			}
			first := readKey(t, path)
			checkDir(t, dir, "k.key")
			if _, err := gen(path, false); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("second run: err = %v, want ErrExist", err)
			}
			if !bytes.Equal(readKey(t, path), first) {
				t.Fatal("a refused run replaced the key file")
			}
			checkDir(t, dir, "k.key")
			if _, err := gen(path, true); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(readKey(t, path), first) {
				t.Fatal("--force did not replace the key file")
			}
			checkDir(t, dir, "k.key")
		})
	}
}

func readKey(t *testing.T, path string) []byte {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %04o, want 0600", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		t.Fatalf("%s: %d bytes, %v", path, len(data), err)
	}
	return data
}

// checkDir fails unless dir holds exactly the names given: no temp file.
func checkDir(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) || got[0] != names[0] {
		t.Fatalf("directory holds %q, want %q", got, names)
	}
}
