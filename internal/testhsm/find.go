package testhsm

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// modulePaths are where distributions install libsofthsm2.so.
var modulePaths = []string{
	"/usr/lib/softhsm/libsofthsm2.so",                   // Debian, Ubuntu
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",  // older Debian multiarch
	"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", // older Debian multiarch
	"/usr/lib64/pkcs11/libsofthsm2.so",                  // Fedora, RHEL
	"/usr/local/lib/softhsm/libsofthsm2.so",             // source builds, FreeBSD
	"/opt/homebrew/lib/softhsm/libsofthsm2.so",          // Homebrew on Apple silicon
}

// Find returns the SoftHSM2 module ($SOFTHSM2_MODULE, else the first of the
// usual install paths) and the softhsm2-util binary.
func Find() (module, util string, err error) {
	util, err = exec.LookPath("softhsm2-util")
	if err != nil {
		return "", "", fmt.Errorf("softhsm2-util not found: %w", err)
	}
	if m := os.Getenv("SOFTHSM2_MODULE"); m != "" {
		if _, err := os.Stat(m); err != nil {
			return "", "", fmt.Errorf("SOFTHSM2_MODULE: %w", err)
		}
		return m, util, nil
	}
	for _, m := range modulePaths {
		if _, err := os.Stat(m); err == nil {
			return m, util, nil
		}
	}
	return "", "", errors.New("libsofthsm2.so not found in the usual places")
}
