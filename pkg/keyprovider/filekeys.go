package keyprovider

import "fmt"

// FileKeys is set by a backend whose keys are local files, made by
// envseal keygen -o FILE rather than inside a service. There is one such
// backend ("file"); keygen --key refuses its scheme and points to -o.
type FileKeys struct {
	// Signing reports whether typ (a --type value, "" for the default)
	// names a signing key, whose public key the command line writes next
	// to the private key file; it fails for an unknown type.
	Signing func(typ string) (bool, error)

	// Generate writes a new key file of type typ at path, mode 0600,
	// replacing an existing file only if force. A signing key is returned
	// as a Signer.
	Generate func(path, typ string, force bool) (Key, error)
}

// LocalFiles returns how the backend whose keys are local files makes them.
func LocalFiles() (*FileKeys, error) {
	for _, b := range Backends() {
		if b.Files != nil {
			return b.Files, nil
		}
	}
	return nil, fmt.Errorf("no backend for local key files is registered: %w", ErrUnsupported)
}
