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
		"GIT_SSH_COMMAND": true, "DB_PASSWORD": false, "PATHS": false, "path": false, "MY_LD_PRELOAD": false,
	} {
		if got := deniedEnvName(name); got != want {
			t.Errorf("deniedEnvName(%q) = %v, want %v", name, got, want)
		}
	}
}
