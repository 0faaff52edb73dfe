package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// atomicFile is an output file that appears at its path only whole: bytes
// go to a temp file in the same directory, which is synced and moved into
// place by Commit. Abort (or a crash) leaves no file at the path.
type atomicFile struct {
	path  string
	tmp   *os.File
	force bool
}

// errExists is returned when -o names an existing file and --force is unset.
var errExists = errors.New("output file already exists")

// createAtomic checks that path can be written and opens its temp file.
func createAtomic(path string, force bool, mode fs.FileMode) (*atomicFile, error) {
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("output %s is a directory", path)
		}
		if !force {
			return nil, withHint(fmt.Errorf("%w: %s", errExists, path), "pass --force to replace it")
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".envseal-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("failed to create output file: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("failed to create output file: %w", err)
	}
	return &atomicFile{path: path, tmp: tmp, force: force}, nil
}

func (f *atomicFile) Write(p []byte) (int, error) { return f.tmp.Write(p) }

// Commit syncs the data and moves it into place. Without --force it links
// rather than renames, so a file created at the path meanwhile (another
// envseal run, say) is never replaced: one run wins whole, the other fails.
func (f *atomicFile) Commit() error {
	if err := f.tmp.Sync(); err != nil {
		f.Abort()
		return fmt.Errorf("failed to write output file: %w", err)
	}
	if err := f.tmp.Close(); err != nil {
		f.Abort()
		return fmt.Errorf("failed to write output file: %w", err)
	}
	if err := f.place(); err != nil {
		os.Remove(f.tmp.Name())
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

func (f *atomicFile) place() error {
	if f.force {
		if err := os.Rename(f.tmp.Name(), f.path); err != nil {
			return fmt.Errorf("failed to write output file: %w", err)
		}
		return nil
	}
	err := os.Link(f.tmp.Name(), f.path)
	if errors.Is(err, fs.ErrExist) {
		return withHint(fmt.Errorf("%w: %s", errExists, f.path), "pass --force to replace it")
	}
	if err != nil {
		// Some filesystems have no hard links; fall back to a rename after
		// a last check, which narrows but cannot close the race.
		if _, serr := os.Lstat(f.path); serr == nil {
			return withHint(fmt.Errorf("%w: %s", errExists, f.path), "pass --force to replace it")
		}
		if err := os.Rename(f.tmp.Name(), f.path); err != nil {
			return fmt.Errorf("failed to write output file: %w", err)
		}
		return nil
	}
	return os.Remove(f.tmp.Name())
}

// Abort discards the temp file. It is safe to call after Commit.
func (f *atomicFile) Abort() {
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// syncDir makes a rename durable. Errors are ignored: not every platform
// or filesystem can sync a directory, and the data itself is synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// output is where a command writes: stdout or an atomic file.
type output struct {
	io.Writer
	file *atomicFile
}

func (o *output) commit() error {
	if o.file == nil {
		return nil
	}
	return o.file.Commit()
}

func (o *output) abort() {
	if o.file != nil {
		o.file.Abort()
	}
}
