//go:build !unix

package cli

import (
	"errors"
	"os"
)

var errLocked = errors.New("locked")

// lockFile does nothing where there is no flock: two edits of one file
// are not prevented there.
func lockFile(*os.File) error { return nil }
