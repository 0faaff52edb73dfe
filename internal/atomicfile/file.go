package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Options say how Create may treat the path.
type Options struct {
	// Force lets Commit replace an existing file; without it Commit fails
	// with ErrExists rather than replace one, even one created meanwhile.
	Force bool

	// Mode is the file's permission bits once committed. While it is
	// written the temp file is 0600 whatever Mode is: it may hold
	// plaintext.
	Mode fs.FileMode

	// Check, when set, runs after the temp file is synced and just before
	// it is renamed into place; an error discards it. An in-place rewrite
	// checks there that the file it read was not replaced meanwhile: the
	// last moment before a rename that would silently undo that change.
	Check func() error
}

// File is an output file being written. Where the system allows (Linux
// O_TMPFILE) its temp file has no name until Commit, so even SIGKILL
// leaves nothing behind; elsewhere it is a hidden .envseal-*.tmp file
// that envseal never reads and that is safe to delete.
type File struct {
	group *Group
	path  string
	tmp   *os.File
	name  string // the temp file's path, "" while it has none (O_TMPFILE)
	force bool
	mode  fs.FileMode
	check func() error
}

// Create checks that path can be written and opens its temp file in the
// same directory, so that Commit is a rename or link, never a copy.
func (g *Group) Create(path string, opts Options) (*File, error) {
	if err := checkPath(path, opts.Force); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	tmp, name, err := createTemp(dir)
	if err != nil {
		return nil, &CreateError{Dir: dir, Err: bareError(err)}
	}
	f := &File{group: g, path: path, tmp: tmp, name: name, force: opts.Force, mode: opts.Mode, check: opts.Check}
	if err := g.add(f); err != nil {
		f.discard()
		return nil, err
	}
	return f, nil
}

// checkPath refuses what an output must not replace: a directory, a
// device or FIFO, and without force any existing file.
func checkPath(path string, force bool) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil // missing (the common case), or the temp file's creation reports why
	case fi.IsDir():
		return fmt.Errorf("output %s is a directory", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("output %s is %w", path, ErrNotRegular)
	case !force:
		return existsError(path)
	}
	return nil
}

func existsError(path string) error {
	return fmt.Errorf("%w: %s", ErrExists, path)
}

func (f *File) Write(p []byte) (int, error) {
	n, err := f.tmp.Write(p)
	if err != nil {
		return n, &Error{Path: f.path, Err: bareError(err)}
	}
	return n, nil
}

// Commit syncs the data and moves it into place. Without Force it links
// rather than renames, so a file created at the path meanwhile (another
// envseal run, say) is never replaced: one run wins whole, the other
// fails. After a failed Commit the temp file is gone and the path is as
// it was.
func (f *File) Commit() error {
	return f.group.commit(f, f.commit)
}

func (f *File) commit() error {
	if err := f.tmp.Chmod(f.mode); err != nil && runtime.GOOS != "windows" {
		f.discard()
		return &Error{Path: f.path, Err: bareError(err)}
	}
	if err := f.tmp.Sync(); err != nil {
		f.discard()
		return &Error{Path: f.path, Err: bareError(err)}
	}
	if f.check != nil {
		if err := f.check(); err != nil {
			f.discard()
			return err
		}
	}
	if err := f.place(); err != nil {
		f.discard()
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// place gives the synced temp file its final name, and closes it.
func (f *File) place() error {
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
		return existsError(f.path)
	}
	if err != nil {
		// Some filesystems have no hard links; fall back to a rename after
		// a last check, which narrows but cannot close the race.
		if _, serr := os.Lstat(f.path); serr == nil {
			return existsError(f.path)
		}
		return f.rename(f.name)
	}
	os.Remove(f.name) // the output is in place; a leftover temp name is harmless
	return nil
}

// placeUnnamed links an O_TMPFILE file into the directory: at the path
// itself without force (failing if it exists), or at a temp name that
// then replaces the path with force.
func (f *File) placeUnnamed() error {
	if !f.force {
		// linkTemp needs the open file, so the close comes after the file
		// is visible; if it fails the output must go again, but only while
		// the name is still ours.
		fi, err := f.tmp.Stat()
		if err != nil {
			return &Error{Path: f.path, Err: bareError(err)}
		}
		err = linkTemp(f.tmp, f.path)
		if errors.Is(err, fs.ErrExist) {
			return existsError(f.path)
		}
		if err != nil {
			return &Error{Path: f.path, Err: bareError(err)}
		}
		if err := f.close(); err != nil {
			removeIfSame(f.path, fi)
			return err
		}
		return nil
	}
	name, err := linkTempNamed(f.tmp, filepath.Dir(f.path))
	if err != nil {
		return &Error{Path: f.path, Err: bareError(err)}
	}
	f.name = name // from here on discard must remove it
	if err := f.close(); err != nil {
		return err
	}
	return f.rename(name)
}

// closeTemp closes a temp file: (*os.File).Close, except in tests that
// inject the close error a real filesystem gives only rarely (NFS, EIO).
var closeTemp = (*os.File).Close

func (f *File) close() error {
	if err := closeTemp(f.tmp); err != nil {
		return &Error{Path: f.path, Err: bareError(err)}
	}
	return nil
}

func (f *File) rename(from string) error {
	if err := os.Rename(from, f.path); err != nil {
		return &Error{Path: f.path, Err: bareError(err)}
	}
	return nil
}

// removeIfSame removes path if it still names the file fi describes, and
// not one that replaced it meanwhile.
func removeIfSame(path string, fi fs.FileInfo) {
	if cur, err := os.Lstat(path); err == nil && os.SameFile(cur, fi) {
		os.Remove(path)
	}
}

// Abort discards the temp file. It is safe to call after Commit, and
// more than once.
func (f *File) Abort() {
	f.group.abort(f)
}

// discard closes and, if it has a name, removes the temp file.
func (f *File) discard() {
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
