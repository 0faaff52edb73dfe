// Package envseal seals and opens envseal files from Go: the same files, and
// the same guarantees, as the envseal command.
//
// A sealed file is a header that holds the file's data key wrapped for each
// recipient, followed by the payload encrypted with that data key in
// authenticated 16 KiB chunks (docs/FORMAT.md gives the bytes). Sealing needs
// only a recipient's wrapping half; opening needs any one identity that can
// unwrap one of the stanzas.
//
// Keys come from backends, named by URI as on the command line. A backend is
// registered by a blank import of its package, as database/sql drivers
// are: the packages under github.com/envseal/envseal/pkg/keyprovider are
// awskms (awskms: URIs), localkey (file:) and pkcs11 (pkcs11:). Then:
//
//	k, err := envseal.Key(ctx, "awskms:///alias/Demo")
//
// Data is released only once it authenticated: the reader from Decrypt
// returns an error, never silently short data, for a truncated or altered
// file, and the whole file authenticated only when it returned io.EOF.
//
// # Compatibility
//
// Within v1 of this module:
//   - The file format is stable: a file sealed by any v1 release opens with
//     every later one. A new format is a new version number in the header,
//     which older readers refuse by name (UnsupportedVersionError).
//   - This package, and the packages it exposes (envelope, keyprovider,
//     armor and the backends under keyprovider), keep their exported
//     identifiers and behaviour; they may gain functions, methods, fields
//     and options.
//   - Key URIs that work today keep working.
//
// Not covered: everything under internal/ (the commands, the chunked stream,
// exec, atomic output), the exact text of error messages (test errors with
// errors.Is and errors.As), and the human-readable output of the command.
// The command's documented JSON (inspect --json) and exit codes are stable.
package envseal
