package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// deniedEnv are the variables a sealed dotenv file may not set unless
// --allow-env names them: each makes the dynamic loader, a shell or an
// interpreter run code or load it from a path, so a file that sets one
// runs code in the job that opens it. Sealing needs only the public side
// of a key (kms:Encrypt, a copy of a key file), which is not the trust
// that running code in a CI job should take. A name ending in * is a
// prefix. docs/security.md lists these; keep the two in step.
var deniedEnv = []string{
	// dynamic loaders
	"LD_*", "DYLD_*", "GCONV_PATH", "GLIBC_TUNABLES",
	// shells, and what they run
	"PATH", "PATHEXT", "COMSPEC", "ENV", "BASH_ENV", "BASH_FUNC_*", "SHELLOPTS",
	"BASHOPTS", "PS0", "PS1", "PS2", "PS4", "PROMPT_COMMAND", "SHELL",
	"EDITOR", "VISUAL", "PAGER", "MANPAGER", "BROWSER", "LESSOPEN", "LESSCLOSE",
	"SSH_ASKPASS", "SUDO_ASKPASS", "VIMINIT", "GVIMINIT", "EXINIT", "MYVIMRC",
	// interpreters and runtimes
	"NODE_OPTIONS", "NODE_PATH", "PYTHON*", "PIP_*", "PERL5OPT", "PERL5LIB",
	"PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS",
	"_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "MAVEN_OPTS",
	"GRADLE_OPTS", "ANT_OPTS", "SBT_OPTS", "CLASSPATH", "ERL_AFLAGS",
	"ERL_ZFLAGS", "ERL_FLAGS", "ERL_LIBS", "PHPRC", "PHP_INI_SCAN_DIR",
	"LUA_INIT*", "LUA_PATH*", "LUA_CPATH*", "NPM_CONFIG_*",
	// build tools and compilers: a command they name, or a flag that loads
	// a plugin
	"GOFLAGS", "GOTOOLCHAIN", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE",
	"GONOPROXY", "GOINSECURE", "GOROOT", "GOPATH", "GOENV", "GOBIN", "CGO_*",
	"RUSTC*", "RUSTFLAGS", "RUSTDOCFLAGS", "CARGO_*", "CC", "CXX", "CPP", "LD",
	"CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "CMAKE_*", "CCACHE_*",
	"MAKEFLAGS", "MFLAGS", "MAKEFILES", "TAR_OPTIONS",
	// git runs commands named in many of its variables (GIT_SSH_COMMAND,
	// GIT_ASKPASS, GIT_CONFIG_KEY_n, GIT_DIR's hooks, ...)
	"GIT_*",
	// envseal's own: a module to load, a key a nested envseal would use
	"ENVSEAL_*",
}

// deniedEnvName reports whether a sealed file may set name only with
// --allow-env. Names match in any case: Windows's environment ignores
// case (Path is PATH there), and some tools read their variables in lower
// case (npm_config_*). A name ending in * is a prefix.
func deniedEnvName(name string) bool {
	upper := strings.ToUpper(name)
	for _, d := range deniedEnv {
		if p, ok := strings.CutSuffix(d, "*"); ok {
			if strings.HasPrefix(upper, p) {
				return true
			}
		} else if upper == d {
			return true
		}
	}
	return false
}

// checkEnvPolicy refuses the first variable of a sealed file that is on
// the deny list and not allowed by name. It names the variable, never its
// value.
func checkEnvPolicy(keys []string, allowed map[string]bool) error {
	for _, k := range keys {
		if deniedEnvName(k) && !allowed[k] {
			return withHint(fmt.Errorf("%s: a sealed file may not set a loader or interpreter variable", k),
				"if the file is meant to set it, pass --allow-env "+k+" (see docs/security.md)")
		}
	}
	return nil
}

// envsealSecret reports whether the inherited variable kv (NAME=VALUE)
// holds one of envseal's own secrets, which the command has no need for:
// a backend's secret variable (a PKCS#11 PIN: keyprovider.SecretEnv), or
// a key URI with a pin-value in it. Other ENVSEAL_*
// variables (a module path, a key URI naming a file, a KMS key or a
// pin-source) say where a secret is, not what it is, and a command that
// runs envseal itself may need them.
func envsealSecret(kv string) bool {
	name, value, _ := strings.Cut(kv, "=")
	if name == envKey {
		return strings.Contains(value, "pin-value=")
	}
	return slices.Contains(keyprovider.SecretEnv(), name)
}

// childEnv is the inherited environment minus envseal's own secrets,
// except those named by --keep-env.
func childEnv(inherited []string, keep map[string]bool) []string {
	env := make([]string, 0, len(inherited))
	for _, kv := range inherited {
		name, _, _ := strings.Cut(kv, "=")
		if envsealSecret(kv) && !keep[name] {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// parseEnvNames checks the names given to flag (--allow-env, --keep-env).
func parseEnvNames(flag string, names []string) (map[string]bool, error) {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		if !validEnvName(n) {
			return nil, usageErrorf("write it as "+flag+" NAME, NAME a variable name", "invalid %s %q", flag, n)
		}
		set[n] = true
	}
	return set, nil
}
