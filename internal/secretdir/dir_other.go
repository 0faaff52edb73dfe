//go:build !unix

package secretdir

import (
	"os"
	"path/filepath"
)

// Elsewhere there is no owner to check: the parent is used as it is.
func safeParent(p parent) (string, error) { return p.path, nil }

func openNoFollow(path string) (*os.File, error) { return os.Open(path) }

func (d *Dir) openAt(name string, flag int, perm uint32) (*os.File, error) {
	return os.OpenFile(filepath.Join(d.Path, name), flag, os.FileMode(perm))
}

func ownedPrivateDir(fi os.FileInfo) bool { return fi.IsDir() }
