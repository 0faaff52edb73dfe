package cli

import (
	"os"
	"strings"
	"testing"
)

// docs/security.md lists every denied variable, so users can see what
// --allow-env would let through.
func TestDeniedEnvDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deniedEnv {
		if !strings.Contains(string(doc), "`"+d+"`") {
			t.Errorf("docs/security.md does not list %s", d)
		}
	}
}

func TestDeniedEnvName(t *testing.T) {
	for name, want := range map[string]bool{
		"LD_PRELOAD": true, "PATH": true, "PYTHONPATH": true, "npm_config_script_shell": true,
		"GIT_SSH_COMMAND": true, "DB_PASSWORD": false, "PATHS": false, "MY_LD_PRELOAD": false,
		// Windows's environment ignores case: Path there is PATH
		"path": true, "Path": true, "Bash_Env": true, "NODE_options": true,
		// tools that run what a variable names (found by review)
		"TAR_OPTIONS": true, "MAKEFLAGS": true, "VIMINIT": true, "CC": true,
		"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER": true, "CARGO_BUILD_RUSTC_WRAPPER": true,
		"RUSTC_WORKSPACE_WRAPPER": true, "MAVEN_OPTS": true, "ERL_AFLAGS": true,
		"ENVSEAL_PKCS11_MODULE": true, "ENVSEAL_KEY": true, "GOPROXY": true,
		"GOOGLE_APPLICATION_CREDENTIALS": false, "CCX": false, "CARGO": false,
	} {
		if got := deniedEnvName(name); got != want {
			t.Errorf("deniedEnvName(%q) = %v, want %v", name, got, want)
		}
	}
}
