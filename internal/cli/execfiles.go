package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// secretDir is exec's private directory for --file secrets.
type secretDir struct {
	path string   // "" when there is none
	lock *os.File // the directory, share-locked while in use (lockSecretDir), or nil
	vars []string // NAME=PATH for the child
}

// remove deletes the directory and what is in it.
func (d *secretDir) remove() {
	if d.path != "" {
		os.RemoveAll(d.path)
	}
	if d.lock != nil {
		d.lock.Close()
	}
}

// inherit returns the files the command inherits: the directory's lock,
// so that the lock lasts as long as any process that may use the files.
func (d *secretDir) inherit() []*os.File {
	if d.lock == nil {
		return nil
	}
	return []*os.File{d.lock}
}

// writeSecretFiles decrypts each --file into one fresh private directory.
// On any failure nothing is left behind.
func writeSecretFiles(ctx context.Context, ios *IOStreams, files []fileFlag, ids []keyprovider.Unwrapper,
	required map[string]string) (*secretDir, error) {
	d := &secretDir{}
	if len(files) == 0 {
		return d, nil
	}
	names, err := secretFileNames(files)
	if err != nil {
		return nil, err
	}
	if d.path, err = makeSecretDir(); err != nil {
		return nil, fmt.Errorf("failed to create a private temp directory: %w", err)
	}
	d.lock = lockSecretDir(d.path)
	for i, f := range files {
		p := filepath.Join(d.path, names[i])
		if err := decryptToFile(ctx, ios, f.path, p, ids, required); err != nil {
			d.remove()
			return nil, fmt.Errorf("--file %s: %w", f.name, err)
		}
		d.vars = append(d.vars, f.name+"="+p)
	}
	return d, nil
}

// secretFileNames keeps each sealed file's name, minus .sealed, so that
// tools that look at the extension (creds.json) still see it.
func secretFileNames(files []fileFlag) ([]string, error) {
	names := make([]string, len(files))
	seen := map[string]string{}
	for i, f := range files {
		n := strings.TrimSuffix(filepath.Base(f.path), sealedSuffix)
		if n == "" || n == "." || n == ".." || n == string(filepath.Separator) {
			n = f.name
		}
		if prev, dup := seen[n]; dup {
			return nil, usageErrorf("rename one of the sealed files", "--file %s and --file %s would both be named %s", prev, f.name, n)
		}
		seen[n] = f.name
		names[i] = n
	}
	return names, nil
}

// makeSecretDir creates a 0700 directory: under $TMPDIR when set, else in
// /dev/shm where it exists (memory, so the secret never reaches a disk and
// is gone at reboot even if envseal is killed), else the system temp dir.
// It first removes what killed runs left there (sweepSecretDirs).
func makeSecretDir() (string, error) {
	pattern := secretDirPattern()
	if os.Getenv("TMPDIR") == "" {
		sweepSecretDirs("/dev/shm")
		if d, err := os.MkdirTemp("/dev/shm", pattern); err == nil {
			return d, nil
		}
	}
	sweepSecretDirs(os.TempDir())
	return os.MkdirTemp("", pattern)
}

// decryptToFile decrypts one sealed file to path, created 0600 and
// exclusively.
func decryptToFile(ctx context.Context, ios *IOStreams, sealed, path string, ids []keyprovider.Unwrapper,
	required map[string]string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := openSealedTo(ctx, ios, sealed, ids, required, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
