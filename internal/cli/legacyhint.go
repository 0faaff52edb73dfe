package cli

import (
	"errors"

	"github.com/envseal/envseal/internal/legacy"
)

// legacyHint is the next step for the errors of open --legacy-openssl and
// migrate.
func legacyHint(err error) string {
	switch {
	case errors.Is(err, legacy.ErrBadDecrypt):
		return "pass the settings openssl was run with: files of the aws kms + openssl demo pipeline need " +
			"--pass 'pass:file:///./datakey' --iter 1000; a file made without -iter or -pbkdf2 needs neither, " +
			"and one from OpenSSL 1.0 needs --md md5"
	case errors.Is(err, legacy.ErrNotSalted):
		return "is this the output of openssl enc? files made with -nosalt cannot be opened"
	case errors.Is(err, legacy.ErrTruncated):
		return "the file ends early or was cut: was the copy or download complete?"
	}
	return ""
}
