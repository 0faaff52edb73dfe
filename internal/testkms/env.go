package testkms

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// clearedEnv lists variables that could point the SDK elsewhere (a real
// profile, real credentials, another endpoint) or change how it builds its
// HTTP client (a CA bundle: the SDK then configures one where it otherwise
// leaves it to the defaults), and are removed, so that tests see what a
// user's machine sees.
var clearedEnv = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
	"AWS_CA_BUNDLE",
}

// Env returns the environment that points the AWS SDK (and the aws CLI) at
// this server: its endpoint, its region, fake static credentials, empty
// config files and no instance metadata lookups.
func (s *Server) Env() []string { return isolatedEnv(s.Endpoint(), s.Dir) }

func isolatedEnv(endpoint, dir string) []string {
	return []string{
		"AWS_ENDPOINT_URL_KMS=" + endpoint,
		"AWS_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Environ returns base (usually os.Environ()) with the variables in
// clearedEnv removed and Env applied: the environment for running the
// envseal binary against this server.
func (s *Server) Environ(base []string) []string {
	set := s.Env()
	var out []string
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(clearedEnv, name) && !overridden(name, set) {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}

// SetEnv applies Environ to this process, as Main does.
func (s *Server) SetEnv() error { return setEnv(s.Env()) }

// isolate points this process's SDK environment nowhere: fake
// credentials, no config files, and an endpoint where nothing listens. Main
// uses it when no server could be started, so that tests which run anyway
// can never reach real AWS with real credentials.
func isolate() error {
	return setEnv(isolatedEnv("http://127.0.0.1:1", filepath.Join(os.TempDir(), "envseal-no-aws-config")))
}

func setEnv(env []string) error {
	for _, name := range clearedEnv {
		if err := os.Unsetenv(name); err != nil {
			return err
		}
	}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if err := os.Setenv(name, value); err != nil {
			return err
		}
	}
	return nil
}

func overridden(name string, set []string) bool {
	for _, kv := range set {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

// ShellEnv returns POSIX shell code that gives a shell the environment a
// server on 127.0.0.1:port with state in dir gets (Environ): export lines
// for LOCAL_KMS_DIR, LOCAL_KMS_PID, LOCAL_KMS_PORT, LOCAL_KMS_ENDPOINT and
// Env, and one unset line for every variable Environ removes.
// scripts/localkms.sh evaluates it, so the shell and Go harnesses isolate
// the AWS SDK the same way.
func ShellEnv(dir, pid, port string) string {
	endpoint := "http://127.0.0.1:" + port
	var b strings.Builder
	for _, kv := range append([]string{
		"LOCAL_KMS_DIR=" + dir, "LOCAL_KMS_PID=" + pid, "LOCAL_KMS_PORT=" + port,
		"LOCAL_KMS_ENDPOINT=" + endpoint,
	}, isolatedEnv(endpoint, dir)...) {
		name, value, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value))
	}
	b.WriteString("unset " + strings.Join(clearedEnv, " ") + "\n")
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ShellVars returns shell assignments of the pin and the server settings
// for scripts/localkms.sh: LOCAL_KMS_MODULE, LOCAL_KMS_VERSION,
// LOCAL_KMS_REGION, LOCAL_KMS_ACCOUNT_ID and LOCAL_KMS_SEED_FILE (the
// seed, relative to the module root).
func ShellVars() string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"LOCAL_KMS_MODULE", Module}, {"LOCAL_KMS_VERSION", Version},
		{"LOCAL_KMS_REGION", Region}, {"LOCAL_KMS_ACCOUNT_ID", AccountID},
		{"LOCAL_KMS_SEED_FILE", SeedFile},
	} {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}
