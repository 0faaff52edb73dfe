package cli

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envseal/envseal/internal/checksum"
	"github.com/envseal/envseal/internal/legacy"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

const completionExample = `  # load completions into the current bash shell
  source <(envseal completion bash)

  # install them for every new fish shell
  envseal completion fish > ~/.config/fish/completions/envseal.fish

  # how to install them for zsh (and likewise bash, fish, powershell)
  envseal completion zsh --help`

// dataKeySpecs are the values datakey --spec accepts, and
// dataKeyAlgorithms those of datakey --encryption-algorithm.
var (
	dataKeySpecs      = []string{"AES_256", "AES_128"}
	dataKeyAlgorithms = []string{"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"}
)

// noValue lists flags whose values no shell can guess: completing them
// offers nothing rather than file names. Backend settings (--region,
// --profile) are added to it.
var noValue = []string{"context", "remove", "recipient", "allow-key", "timeout", "description", "iter"}

// setUpCompletion adds cobra's completion command (bash, zsh, fish,
// powershell) with examples, and completes the flag values that are cheap
// to know: fixed lists, and what the key backends offer (URI prefixes,
// paths after file:, keygen flag values). Flags that
// name files (-o, --signature, ...) keep the shell's file completion.
func setUpCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range append([]*cobra.Command{root}, root.Commands()...) {
		switch c.Name() {
		case "completion":
			c.Example = completionExample
		case "edit", "set", "get", "unset":
			c.ValidArgsFunction = completeSealedArg
		}
		for name, fn := range flagCompletions(c.Name()) {
			if c.LocalFlags().Lookup(name) != nil {
				// Fails only for an unknown flag or one registered twice.
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
	}
}

// completeSealedArg completes the FILE.sealed argument of edit, set, get
// and unset with *.sealed files, and nothing after it: set's NAME is
// inside the sealed file, and completion never decrypts.
func completeSealedArg(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return []string{"sealed"}, cobra.ShellCompDirectiveFilterFileExt
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// flagCompletions returns the completion functions of command's flags.
func flagCompletions(command string) map[string]cobra.CompletionFunc {
	m := map[string]cobra.CompletionFunc{
		"key":       completeKeyURI(completionBackends(false)),
		"add":       completeKeyURI(completionBackends(false)),
		"pass":      completePassSpec,
		"md":        fixed(legacy.Digests()...),
		"algorithm": fixed(checksum.Names()...),
	}
	for _, name := range noValue {
		m[name] = cobra.NoFileCompletions
	}
	for _, s := range keyprovider.Settings() {
		m[s.Name] = cobra.NoFileCompletions
	}
	switch command {
	case "keygen":
		m["key"] = completeKeyURI(completionBackends(true))
		for name, values := range keygenValues(completionBackends(false)) {
			m[name] = fixed(values...)
		}
	case "datakey": // AWS KMS's own command
		kms, _ := keyprovider.Lookup("awskms")
		m["key"] = completeKeyURI([]keyprovider.Backend{kms})
		m["spec"] = fixed(dataKeySpecs...)
		m["encryption-algorithm"] = fixed(dataKeyAlgorithms...)
	}
	return m
}

// completionBackends lists the backends in the order completion offers
// them: local files first, the most common key, then by scheme. With
// keygen, only the backends keygen --key can make keys in.
func completionBackends(keygen bool) []keyprovider.Backend {
	var local, others []keyprovider.Backend
	for _, b := range keyprovider.Backends() {
		switch {
		case keygen && b.Keygen == nil:
		case b.Complete.Paths:
			local = append(local, b)
		default:
			others = append(others, b)
		}
	}
	return append(local, others...)
}

// uriExamples lists the backends' example URIs as prose, in completion
// order: "file:key.pem, awskms:///alias/NAME or pkcs11:token=T;object=NAME".
func uriExamples() string {
	var ex []string
	for _, b := range completionBackends(false) {
		if b.Example != "" {
			ex = append(ex, b.Example)
		}
	}
	if len(ex) < 2 {
		return strings.Join(ex, "")
	}
	return strings.Join(ex[:len(ex)-1], ", ") + " or " + ex[len(ex)-1]
}

// keygenValues merges the keygen flag values the backends offer, by flag
// name, each value once, in backend order.
func keygenValues(bs []keyprovider.Backend) map[string][]string {
	m := map[string][]string{}
	for _, b := range bs {
		for name, values := range b.Complete.Values {
			for _, v := range values {
				if !slices.Contains(m[name], v) {
					m[name] = append(m[name], v)
				}
			}
		}
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

// completeKeyURI offers the backends' URI prefixes, and the paths of local
// files once the word starts with a path scheme (file:). Backend keys (KMS
// aliases, token objects) would take a network call or a PIN to list, so
// they are not completed.
func completeKeyURI(bs []keyprovider.Backend) cobra.CompletionFunc {
	var prefixes []string
	for _, b := range bs {
		prefixes = append(prefixes, b.Complete.Prefixes...)
	}
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		for _, b := range bs {
			if !b.Complete.Paths {
				continue
			}
			for _, scheme := range append([]string{b.Scheme}, b.Aliases...) {
				if path, ok := strings.CutPrefix(toComplete, scheme+":"); ok {
					return completePaths(scheme+":", path)
				}
			}
		}
		return withPrefix(prefixes, toComplete), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
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
