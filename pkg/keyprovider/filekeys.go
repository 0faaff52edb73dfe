package keyprovider

import (
	"fmt"
	"slices"
)

// FileKeys is set by a backend whose keys are local files, made by
// envseal keygen -o FILE rather than inside a service. keygen --key
// refuses such a backend's scheme and points to -o.
//
// One backend ("file") has no Types: it makes the default key and every
// type no other backend claims. Another backend whose keys are files (age
// identities) lists the --type values it makes in Types.
type FileKeys struct {
	// Types are the --type values this backend makes, for a backend that
	// is not the default one for local key files.
	Types []string

	// Signing reports whether typ (a --type value, "" for the default)
	// names a signing key, whose public key the command line writes next
	// to the private key file; it fails for an unknown type.
	Signing func(typ string) (bool, error)

	// Generate writes a new key file of type typ at path, mode 0600,
	// replacing an existing file only if force. A signing key is returned
	// as a Signer.
	Generate func(path, typ string, force bool) (Key, error)
}

// LocalFiles returns how the default backend whose keys are local files
// (the one with no Types) makes them.
func LocalFiles() (*FileKeys, error) { return LocalFilesFor("") }

// LocalFilesFor returns how the backend that makes local key files of
// type typ makes them: the one that lists typ in its Types, or else the
// default one.
func LocalFilesFor(typ string) (*FileKeys, error) {
	var def *FileKeys
	for _, b := range Backends() {
		switch {
		case b.Files == nil:
		case typ != "" && slices.Contains(b.Files.Types, typ):
			return b.Files, nil
		case len(b.Files.Types) == 0 && def == nil:
			def = b.Files
		}
	}
	if def == nil {
		return nil, fmt.Errorf("no backend for local key files is registered: %w", ErrUnsupported)
	}
	return def, nil
}
