package atomicfile

import (
	"crypto/rand"
	"os"
)

// tempPattern names envseal's temp files: hidden, and never read by envseal.
const tempPattern = ".envseal-*.tmp"

// createTemp opens an output's temp file: openTemp, except in tests that
// inject write faults (a full disk) without mounting anything.
var createTemp = openTemp

// openNamedTemp creates a temp file in dir, mode 0600.
func openNamedTemp(dir string) (*os.File, string, error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return nil, "", err
	}
	return f, f.Name(), nil
}

func randomSuffix() string {
	return rand.Text()[:12]
}
