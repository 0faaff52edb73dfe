package cli

import (
	"fmt"
	"io/fs"
)

// writeOutput writes a small, whole output (a public key) to standard
// output for "" or "-", or else atomically to path (see createAtomic).
func writeOutput(ios *IOStreams, path string, force bool, mode fs.FileMode, data []byte) error {
	if path == "" || path == "-" {
		_, err := ios.Out.Write(data)
		return err
	}
	f, err := createAtomic(path, force, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("failed to write output file: %w", err)
	}
	return f.Commit()
}
