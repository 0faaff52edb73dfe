package cli

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envseal/envseal/internal/checksum"
	"github.com/envseal/envseal/internal/legacy"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
	"github.com/spf13/cobra"
)

const completionExample = `  # load completions into the current bash shell
  source <(envseal completion bash)

  # install them for every new fish shell
  envseal completion fish > ~/.config/fish/completions/envseal.fish

  # how to install them for zsh (and likewise bash, fish, powershell)
  envseal completion zsh --help`

// kmsKeySpecs and kmsKeyUsages are the values keygen --spec and --usage
// accept (awskms checks them before CreateKey).
var (
	kmsKeySpecs  = []string{"SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384"}
	kmsKeyUsages = []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}
	dataKeySpecs = []string{"AES_256", "AES_128"}
)

// noValue lists flags whose values no shell can guess: completing them
// offers nothing rather than file names.
var noValue = []string{"context", "remove", "allow-key", "region", "profile", "timeout", "description", "iter"}

// setUpCompletion adds cobra's completion command (bash, zsh, fish,
// powershell) with examples, and completes the flag values that are cheap
// to know: fixed lists, key URI schemes, and paths after file:. Flags that
// name files (-o, --signature, ...) keep the shell's file completion.
func setUpCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range append([]*cobra.Command{root}, root.Commands()...) {
		if c.Name() == "completion" {
			c.Example = completionExample
		}
		for name, fn := range flagCompletions(c.Name()) {
			if c.LocalFlags().Lookup(name) != nil {
				// Fails only for an unknown flag or one registered twice.
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
	}
}

// flagCompletions returns the completion functions of command's flags.
func flagCompletions(command string) map[string]cobra.CompletionFunc {
	m := map[string]cobra.CompletionFunc{
		"key":       completeKeyURI("file:", "awskms:///alias/", "pkcs11:token="),
		"add":       completeKeyURI("file:", "awskms:///alias/", "pkcs11:token="),
		"pass":      completePassSpec,
		"md":        fixed(legacy.Digests()...),
		"algorithm": fixed(checksum.Names()...),
	}
	for _, name := range noValue {
		m[name] = cobra.NoFileCompletions
	}
	switch command {
	case "keygen":
		m["key"] = completeKeyURI("awskms:///alias/", "pkcs11:token=")
		m["spec"] = fixed(kmsKeySpecs...)
		m["usage"] = fixed(kmsKeyUsages...)
		types := make([]string, 0, len(localkey.KeyTypes()))
		for _, t := range localkey.KeyTypes() {
			types = append(types, string(t))
		}
		m["type"] = fixed(types...)
	case "datakey":
		m["key"] = completeKeyURI("awskms:///alias/")
		m["spec"] = fixed(dataKeySpecs...)
	}
	return m
}

// fixed completes one of values.
func fixed(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return withPrefix(values, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func withPrefix(values []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// completeKeyURI offers the URI schemes, and the paths of local files once
// the word starts with file:. Backend keys (KMS aliases, token objects)
// would take a network call or a PIN to list, so they are not completed.
func completeKeyURI(schemes ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if slices.Contains(schemes, "file:") {
			if path, ok := strings.CutPrefix(toComplete, "file:"); ok {
				return completePaths("file:", path)
			}
		}
		return withPrefix(schemes, toComplete), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

// completePassSpec completes --pass SPEC as openssl's -pass takes it.
func completePassSpec(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	kind, arg, ok := strings.Cut(toComplete, ":")
	switch {
	case ok && (kind == "file" || kind == "kms"):
		return completePaths(kind+":", arg)
	case ok && kind == "env":
		var names []cobra.Completion
		for _, kv := range os.Environ() {
			if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, arg) {
				names = append(names, "env:"+name)
			}
		}
		slices.Sort(names)
		return names, cobra.ShellCompDirectiveNoFileComp
	}
	return withPrefix([]string{"pass:", "env:", "file:", "fd:", "stdin", "kms:"}, toComplete),
		cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completePaths lists the files and directories that start with path,
// each with prefix in front. Directories end in a slash and keep the
// cursor after it, so the next tab goes inside.
func completePaths(prefix, path string) ([]cobra.Completion, cobra.ShellCompDirective) {
	dir, base := filepath.Split(path)
	entries, err := os.ReadDir(cmp.Or(dir, "."))
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	directive := cobra.ShellCompDirectiveNoFileComp
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		if e.IsDir() || isDirLink(filepath.Join(dir, name), e) {
			name += "/"
			directive |= cobra.ShellCompDirectiveNoSpace
		}
		out = append(out, prefix+dir+name)
	}
	return out, directive
}

func isDirLink(path string, e os.DirEntry) bool {
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
