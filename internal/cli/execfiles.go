package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/envseal/envseal/internal/secretdir"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// secretFiles are exec's decrypted --file secrets.
type secretFiles struct {
	dir  *secretdir.Dir // nil when there is none
	vars []string       // NAME=PATH for the child
}

// liveSecretDir is the --file directory of the running exec, if any: when
// a signal stops a run stuck decrypting into it (reading a pipe that
// stalls), Execute returns without waiting for exec, and removes it.
var liveSecretDir atomic.Pointer[secretdir.Dir]

// removeLiveSecretDir removes the running exec's directory, if any.
func removeLiveSecretDir() error {
	if d := liveSecretDir.Swap(nil); d != nil {
		return d.Remove()
	}
	return nil
}

// remove deletes the directory and what is in it.
func (s *secretFiles) remove() error {
	if s.dir == nil {
		return nil
	}
	liveSecretDir.CompareAndSwap(s.dir, nil)
	return s.dir.Remove()
}

// removeAfter removes the directory once the command is done, and
// combines its result with the command's, runErr. A directory that could
// not be removed may still hold plaintext: that is never a success. If the
// command succeeded, that is the error (exit 1); if not, its status is
// kept, and the failure is printed as a warning.
func (s *secretFiles) removeAfter(ios *IOStreams, runErr error) error {
	err := s.remove()
	switch {
	case err == nil:
		return runErr
	case runErr == nil:
		return withHint(err, "delete the directory by hand: it may hold plaintext")
	}
	fmt.Fprintf(ios.ErrOut, "envseal: warning: %s; it may hold plaintext\n", oneLine(err.Error()))
	return runErr
}

// inherit returns the files the command inherits (see secretdir.Dir.Inherit).
func (s *secretFiles) inherit() []*os.File {
	if s.dir == nil {
		return nil
	}
	return s.dir.Inherit()
}

// writeSecretFiles decrypts each --file into one fresh private directory.
// On any failure nothing is left behind.
func writeSecretFiles(ctx context.Context, ios *IOStreams, files []fileFlag, ids []keyprovider.Unwrapper,
	required map[string]string) (*secretFiles, error) {
	s := &secretFiles{}
	if len(files) == 0 {
		return s, nil
	}
	names, err := secretFileNames(files)
	if err != nil {
		return nil, err
	}
	if s.dir, err = secretdir.New(); err != nil {
		return nil, fmt.Errorf("failed to create a private temp directory: %w", err)
	}
	liveSecretDir.Store(s.dir)
	for i, f := range files {
		if err := decryptToFile(ctx, ios, f.path, s.dir, names[i], ids, required); err != nil {
			return nil, errors.Join(fmt.Errorf("--file %s: %w", f.name, err), s.remove())
		}
		s.vars = append(s.vars, f.name+"="+filepath.Join(s.dir.Path, names[i]))
	}
	return s, nil
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

// decryptToFile decrypts one sealed file to name in dir, created 0600 and
// exclusively.
func decryptToFile(ctx context.Context, ios *IOStreams, sealed string, dir *secretdir.Dir, name string,
	ids []keyprovider.Unwrapper, required map[string]string) error {
	f, err := dir.Create(name)
	if err != nil {
		return err
	}
	if err := openSealedTo(ctx, ios, sealed, ids, required, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
