// Package armor is a text encoding of envseal files for channels that only
// carry text (YAML, environment variables, CI secret stores): RFC 7468
// strict PEM-style framing, standard padded base64, 64-character lines.
//
//	-----BEGIN ENVSEAL ENCRYPTED FILE-----
//	RU5WU0VBTAEBAAEEZmlsZQAg...
//	-----END ENVSEAL ENCRYPTED FILE-----
//
// Both directions stream with constant memory. The reader is strict: only
// whitespace may surround the block, every line but the last is exactly 64
// characters, and the base64 must be canonical, so one file has exactly one
// armored form (give or take line endings and surrounding whitespace).
package armor

import "errors"

const (
	// Header and Footer frame an armored envseal file.
	Header = "-----BEGIN ENVSEAL ENCRYPTED FILE-----"
	Footer = "-----END ENVSEAL ENCRYPTED FILE-----"

	// lineLen is the number of base64 characters per full line (RFC 7468).
	lineLen = 64
	// bytesPerLine is how many binary bytes one full line carries.
	bytesPerLine = lineLen / 4 * 3
)

// ErrInvalid is returned (wrapped) for any armored input that breaks the
// rules above.
var ErrInvalid = errors.New("invalid armor")
