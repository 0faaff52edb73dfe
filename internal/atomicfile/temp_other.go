//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

// openTemp opens a named temp file in dir. Only Linux has unnamed temp
// files (see temp_linux.go); elsewhere a killed run leaves a hidden
// .envseal-*.tmp file, which envseal never reads and is safe to delete.
func openTemp(dir string) (*os.File, string, error) {
	return openNamedTemp(dir)
}

var errNoUnnamedTemp = errors.New("unnamed temp files are Linux-only")

func linkTemp(*os.File, string) error { return errNoUnnamedTemp }

func linkTempNamed(*os.File, string) (string, error) { return "", errNoUnnamedTemp }
