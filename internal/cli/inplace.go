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
	if n := hardLinks(path, except); n > 1 {
		return withHint(fmt.Errorf("%s has %d hard links: --in-place would leave the other names unchanged", path, n),
			"write with -o OUT, then move OUT over each name, or remove the other links")
	}
	return nil
}

// checkSingleLinkFor is checkSingleLink for cmd (edit, set, unset), which
// has neither --in-place nor -o to suggest.
func checkSingleLinkFor(cmd, path string) error {
	if n := hardLinks(path, ""); n > 1 {
		return withHint(fmt.Errorf("%s has %d hard links: %s would change only this name, not the others", path, n, cmd),
			"remove the other names, or give this one its own copy (cp FILE FILE.new && mv FILE.new FILE), then run "+cmd+" again")
	}
	return nil
}

// hardLinks is the number of links to path's file, less except when that
// names it too; 0 when path cannot be read (opening it reports why).
func hardLinks(path, except string) uint64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	n := linkCount(fi)
	if except != "" && sameFile(path, except) {
		n--
	}
	return n
}
