package cli

import (
	"fmt"
	"io/fs"
)

// writeOutput writes a small, whole output (a public key) to standard
// output for "" or "-", or else atomically to path (see openOutput).
func writeOutput(ios *IOStreams, path string, force bool, mode fs.FileMode, data []byte) error {
	out, err := openOutput(ios, path, force, mode)
	if err != nil {
		return err
	}
	if _, err := out.Write(data); err != nil {
		out.abort()
		if out.file == nil {
			return err
		}
		return fmt.Errorf("failed to write output file: %w", err)
	}
	return out.commit()
}
