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

// Find returns the SoftHSM2 module (see Module) and the softhsm2-util
// binary.
func Find() (module, util string, err error) {
	util, err = exec.LookPath("softhsm2-util")
	if err != nil {
		return "", "", fmt.Errorf("softhsm2-util not found: %w", err)
	}
	if module, err = Module(); err != nil {
		return "", "", err
	}
	return module, util, nil
}

// Module returns the path of libsofthsm2.so: $SOFTHSM2_MODULE, else the
// first of the usual install paths that exists. scripts/softhsm.sh asks
// for it through internal/testtool.
func Module() (string, error) {
	if m := os.Getenv("SOFTHSM2_MODULE"); m != "" {
		if _, err := os.Stat(m); err != nil {
			return "", fmt.Errorf("SOFTHSM2_MODULE: %w", err)
		}
		return m, nil
	}
	for _, m := range modulePaths {
		if _, err := os.Stat(m); err == nil {
			return m, nil
		}
	}
	return "", errors.New("libsofthsm2.so not found in the usual places")
}

// Config returns a softhsm2.conf that keeps tokens in tokenDir, as New,
// the command tests and scripts/softhsm.sh write it.
func Config(tokenDir string) string {
	return "directories.tokendir = " + tokenDir +
		"\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"
}
