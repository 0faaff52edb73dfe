package cli

import (
	"context"
	"os"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// ExecOptions are the parsed flags of envseal exec.
type ExecOptions struct {
	Signer   SignerFlags // whose signature every file must carry
	IO       *IOStreams
	Keys     []string
	Context  []string
	EnvFiles []string
	Files    []string // NAME=FILE.sealed
	AllowEnv []string // denied variables a sealed file may set anyway
	KeepEnv  []string // envseal secrets the command inherits anyway
	Command  []string
}

// NewCmdExec builds envseal exec. runF replaces the run function in tests.
func NewCmdExec(ios *IOStreams, runF func(context.Context, *ExecOptions) error) *cobra.Command {
	opts := &ExecOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "exec [--key URI]... [--context k=v]... [--env-file FILE.sealed]... [--file NAME=FILE.sealed]... -- CMD [ARGS...]",
		Short: "Run a command with secrets from sealed files, without writing them to disk",
		Long: `Open sealed dotenv files (--env-file) in memory and run CMD with their
variables added to the environment; the plaintext never touches the disk.
Later --env-file files override earlier ones, and both override the
inherited environment.

--file NAME=FILE.sealed decrypts FILE.sealed into a private temporary
directory (mode 0700, the file 0600; /dev/shm when $TMPDIR is unset and it
exists) and sets $NAME to its path: for tools that want a credentials file.
The directory is removed when CMD exits, also when envseal is stopped by
SIGINT or SIGTERM. If envseal is killed (SIGKILL), Linux kills CMD too
(not the processes CMD started), and the next envseal exec --file removes
the directory once none of them holds it: CMD inherits a lock on it as
descriptor 3.

Every file is opened and authenticated before CMD starts, and every
--context pair must be in each file. envseal's exit status is CMD's (128+N
when CMD was killed by signal N); SIGINT, SIGTERM and SIGHUP are forwarded
to CMD. Before CMD runs, envseal fails as other commands do (1, or 2 for
usage); 127 means CMD was not found, 126 that it could not be started.
If the --file directory cannot be removed afterwards, envseal names it on
stderr and exits 1 when CMD exited 0 (CMD's status otherwise).

The dotenv files are parsed strictly: KEY=VALUE lines, # comments, optional
"export ", 'single' or "double" quotes (escapes \n \r \t \" \\), no $VAR
expansion. Lines that dotenv parsers read differently (KEY = v, an unquoted
value with " #" or surrounding spaces) are refused with their line number.
envseal never prints a value.

A sealed file may not set a variable that makes the loader, a shell or an
interpreter run code (LD_PRELOAD, PATH, BASH_ENV, NODE_OPTIONS, PYTHON*,
GIT_*, ...; the list is in docs/security.md): anyone who can seal to the
key could otherwise run code in the job. exec refuses such a file (exit 1)
before CMD starts, unless --allow-env NAME allows that variable. The
inherited environment is not checked, but envseal's own secrets are taken
out of it: $ENVSEAL_PKCS11_PIN, and $ENVSEAL_KEY when it holds a
pin-value. --keep-env NAME passes one on, for a CMD that runs envseal.`,
		Example: `  envseal exec --key awskms:///alias/ci --env-file prod.env.sealed -- ./deploy.sh

  # a credentials file for a tool that wants a path
  envseal exec --key file:team.key --file KUBECONFIG=kubeconfig.sealed -- kubectl get pods

  # require the files to be the production ones
  envseal exec --key file:team.key --context env=prod --env-file app.env.sealed --env-file db.env.sealed -- npm start`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("put the command after --: envseal exec --env-file FILE.sealed -- CMD ARGS...", "exec needs a command to run")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Command = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return execRun(cmd.Context(), opts)
		},
	}
	// Flags after CMD are CMD's: envseal exec --env-file x -- ls -l
	cmd.Flags().SetInterspersed(false)
	f := cmd.Flags()
	f.StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` to try (repeatable; default $ENVSEAL_KEY)")
	f.StringArrayVarP(&opts.Context, "context", "c", nil, "require encryption context `key=value` in every file (repeatable)")
	f.StringArrayVarP(&opts.EnvFiles, "env-file", "e", nil, "sealed dotenv `FILE` whose variables CMD gets (repeatable)")
	f.StringArrayVar(&opts.AllowEnv, "allow-env", nil, "let sealed files set the loader or interpreter variable `NAME` (repeatable)")
	f.StringArrayVar(&opts.KeepEnv, "keep-env", nil, "pass envseal's own secret variable `NAME` on to CMD (repeatable)")
	f.StringArrayVar(&opts.Files, "file", nil, "`NAME=FILE.sealed`: decrypt to a private temp file, set $NAME to its path (repeatable)")
	addSignerFlags(cmd, &opts.Signer)
	return cmd
}

func execRun(ctx context.Context, opts *ExecOptions) error {
	required, err := parseContext(opts.Context)
	if err != nil {
		return err
	}
	if ctx, err = withSignerPolicy(ctx, opts.IO, &opts.Signer); err != nil {
		return err
	}
	files, err := parseFileFlags(opts.Files)
	if err != nil {
		return err
	}
	allowed, err := parseEnvNames("--allow-env", opts.AllowEnv)
	if err != nil {
		return err
	}
	keep, err := parseEnvNames("--keep-env", opts.KeepEnv)
	if err != nil {
		return err
	}
	if len(opts.EnvFiles) == 0 && len(files) == 0 {
		return usageErrorf("pass --env-file FILE.sealed or --file NAME=FILE.sealed", "exec has no sealed file to open")
	}
	ids, err := execIdentities(ctx, opts)
	if err != nil {
		return err
	}
	vars, err := loadEnvFiles(ctx, opts.IO, opts.EnvFiles, ids, required, allowed)
	if err != nil {
		return err
	}
	dir, err := writeSecretFiles(ctx, opts.IO, files, ids, required)
	if err != nil {
		return err
	}
	env := append(childEnv(os.Environ(), keep), vars...)
	env = append(env, dir.vars...)
	err = runChild(ctx, opts.IO, opts.Command, env, dir.inherit())
	return dir.removeAfter(opts.IO, err)
}

func execIdentities(ctx context.Context, opts *ExecOptions) ([]keyprovider.Unwrapper, error) {
	uris := keyURIs(opts.Keys)
	if len(uris) == 0 {
		return nil, errNoKey("exec")
	}
	return openUnwrappers(ctx, uris, providerOptions(opts.IO))
}

// fileFlag is one --file NAME=FILE.sealed.
type fileFlag struct{ name, path string }

func parseFileFlags(flags []string) ([]fileFlag, error) {
	var out []fileFlag
	seen := map[string]bool{}
	for _, f := range flags {
		name, path, ok := strings.Cut(f, "=")
		if !ok || path == "" || !validEnvName(name) {
			return nil, usageErrorf("write it as --file NAME=FILE.sealed, NAME a variable name", "invalid --file %q", f)
		}
		if seen[name] {
			return nil, usageErrorf("", "--file %s given twice", name)
		}
		seen[name] = true
		out = append(out, fileFlag{name, path})
	}
	return out, nil
}

func validEnvName(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	return strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == ""
}
