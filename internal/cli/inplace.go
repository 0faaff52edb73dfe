package cli

import (
	"fmt"
	"os"
	"path/filepath"
)

// inPlaceTarget returns the path that --in-place replaces: path itself,
// or the file a symbolic link names. An atomic replacement renames a new
// file over the name, so done to a link it would replace the link and
// leave the file it names, with the recipients the user meant to remove,
// while reporting success. A missing or unreadable path is returned as
// is, for opening the input to report.
func inPlaceTarget(path string) string {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return path
	}
	return target
}

// checkSingleLink refuses a file that has hard links other than path (and
// except, a name the caller made itself, or ""): the new file would get
// only this name, and the others would keep the old content.
func checkSingleLink(path, except string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // opening the input reports it
	}
	n := linkCount(fi)
	if except != "" && sameFile(path, except) {
		n--
	}
	if n <= 1 {
		return nil
	}
	return withHint(fmt.Errorf("%s has %d hard links: --in-place would leave the other names unchanged", path, linkCount(fi)),
		"write with -o OUT, then move OUT over each name, or remove the other links")
}
