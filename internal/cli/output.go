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
//
// The temp file is created 0600 whatever the final mode: it may hold
// plaintext. Where the system allows (Linux O_TMPFILE) it has no name
// until Commit, so even SIGKILL leaves nothing behind; elsewhere it is a
// hidden .envseal-*.tmp file that envseal never reads and that is safe to
// delete.
type atomicFile struct {
	path  string
	tmp   *os.File
	name  string // the temp file's path, "" while it has none (O_TMPFILE)
	force bool
	mode  fs.FileMode
}

// errExists is returned when -o names an existing file and --force is unset.
var errExists = errors.New("output file already exists")

// createAtomic checks that path can be written and opens its temp file.
func createAtomic(path string, force bool, mode fs.FileMode) (*atomicFile, error) {
	if err := checkOutputPath(path, force); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	tmp, name, err := createTemp(dir)
	if err != nil {
		return nil, withHint(fmt.Errorf("failed to create output file in %s: %w", dir, bareError(err)),
			"check that the directory exists and is writable, or choose another -o path")
	}
	f := &atomicFile{path: path, tmp: tmp, name: name, force: force, mode: mode}
	if err := outputs.add(f); err != nil {
		f.discard()
		return nil, err
	}
	return f, nil
}

// checkOutputPath refuses what -o must not replace: a directory, a device
// or FIFO (renaming over /dev/null as root would replace the device), and
// without --force any existing file.
func checkOutputPath(path string, force bool) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil // missing (the common case), or the temp file's creation reports why
	case fi.IsDir():
		return fmt.Errorf("output %s is a directory", path)
	case !fi.Mode().IsRegular():
		return withHint(fmt.Errorf("output %s is not a regular file", path),
			"to write to a pipe or device, redirect standard output instead of using -o")
	case !force:
		return withHint(fmt.Errorf("%w: %s", errExists, path), "pass --force to replace it")
	}
	return nil
}

func (f *atomicFile) Write(p []byte) (int, error) {
	n, err := f.tmp.Write(p)
	if err != nil {
		return n, &OutputError{Path: f.path, Err: bareError(err)}
	}
	return n, nil
}

// Commit syncs the data and moves it into place. Without --force it links
// rather than renames, so a file created at the path meanwhile (another
// envseal run, say) is never replaced: one run wins whole, the other fails.
func (f *atomicFile) Commit() error {
	return outputs.commit(f, f.commit)
}

func (f *atomicFile) commit() error {
	if err := f.tmp.Chmod(f.mode); err != nil && runtime.GOOS != "windows" {
		f.discard()
		return &OutputError{Path: f.path, Err: bareError(err)}
	}
	if err := f.tmp.Sync(); err != nil {
		f.discard()
		return &OutputError{Path: f.path, Err: bareError(err)}
	}
	if err := f.place(); err != nil {
		f.discard()
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// place gives the synced temp file its final name, and closes it.
func (f *atomicFile) place() error {
	if f.name == "" {
		return f.placeUnnamed()
	}
	// A named temp file is closed first: Windows cannot rename an open file.
	if err := f.close(); err != nil {
		return err
	}
	if f.force {
		return f.rename(f.name)
	}
	err := os.Link(f.name, f.path)
	if errors.Is(err, fs.ErrExist) {
		return withHint(fmt.Errorf("%w: %s", errExists, f.path), "pass --force to replace it")
	}
	if err != nil {
		// Some filesystems have no hard links; fall back to a rename after
		// a last check, which narrows but cannot close the race.
		if _, serr := os.Lstat(f.path); serr == nil {
			return withHint(fmt.Errorf("%w: %s", errExists, f.path), "pass --force to replace it")
		}
		return f.rename(f.name)
	}
	os.Remove(f.name) // the output is in place; a leftover temp name is harmless
	return nil
}

// placeUnnamed links an O_TMPFILE file into the directory: at the path
// itself without --force (failing if it exists), or at a temp name that
// then replaces the path with --force.
func (f *atomicFile) placeUnnamed() error {
	if !f.force {
		err := linkTemp(f.tmp, f.path)
		if errors.Is(err, fs.ErrExist) {
			return withHint(fmt.Errorf("%w: %s", errExists, f.path), "pass --force to replace it")
		}
		if err != nil {
			return &OutputError{Path: f.path, Err: bareError(err)}
		}
		return f.close()
	}
	name, err := linkTempNamed(f.tmp, filepath.Dir(f.path))
	if err != nil {
		return &OutputError{Path: f.path, Err: bareError(err)}
	}
	f.name = name // from here on discard must remove it
	if err := f.close(); err != nil {
		return err
	}
	return f.rename(name)
}

func (f *atomicFile) close() error {
	if err := f.tmp.Close(); err != nil {
		return &OutputError{Path: f.path, Err: bareError(err)}
	}
	return nil
}

func (f *atomicFile) rename(from string) error {
	if err := os.Rename(from, f.path); err != nil {
		return &OutputError{Path: f.path, Err: bareError(err)}
	}
	return nil
}

// Abort discards the temp file. It is safe to call after Commit.
func (f *atomicFile) Abort() {
	outputs.abort(f)
}

// discard closes and, if it has a name, removes the temp file.
func (f *atomicFile) discard() {
	f.tmp.Close()
	if f.name != "" {
		os.Remove(f.name)
	}
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

// openOutput returns standard output for "" or "-", else an atomic file
// at path (see createAtomic) created with mode.
func openOutput(ios *IOStreams, path string, force bool, mode fs.FileMode) (*output, error) {
	if path == "" || path == "-" {
		return &output{Writer: ios.Out}, nil
	}
	f, err := createAtomic(path, force, mode)
	if err != nil {
		return nil, err
	}
	return &output{Writer: f, file: f}, nil
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
