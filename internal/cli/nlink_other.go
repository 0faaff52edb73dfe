//go:build !unix

package cli

import "io/fs"

// linkCount is 1: os.Stat does not report hard links here.
func linkCount(fs.FileInfo) uint64 { return 1 }
