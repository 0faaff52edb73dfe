package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/envseal/envseal/internal/secretdir"
	"github.com/envseal/envseal/internal/supervise"
	"github.com/spf13/cobra"
)

// EditOptions are the parsed flags of envseal edit.
type EditOptions struct {
	Signer        SignerFlags // whose signature the file must carry
	IO            *IOStreams
	Keys          []string
	SignWith      string // re-signs a signed file: its signer's key URI
	RotateDataKey bool
	File          string
}

// NewCmdEdit builds envseal edit. runF replaces the run function in tests.
func NewCmdEdit(ios *IOStreams, runF func(context.Context, *EditOptions) error) *cobra.Command {
	opts := &EditOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "edit [--key URI]... [--rotate-data-key] FILE.sealed",
		Short: "Change a sealed file in an editor, without plaintext in the working tree",
		Long: `Decrypt FILE.sealed into a private directory (mode 0700, the file 0600) in
$XDG_RUNTIME_DIR (if a 0700 directory of this user), else /dev/shm, else
the temp directory, never beside the file, and open it in $VISUAL, else $EDITOR, else vi. The editor setting is
split on spaces (EDITOR="code --wait"), or run with sh -c when it has
shell quoting. When the editor exits 0 and the content changed, FILE.sealed
is replaced atomically, with the same recipients and context and armored if
it was. One key that opens the file is enough: the header (recipients,
data key) is kept and only the payload is encrypted again, under a fresh
salt and so a fresh payload key. When nothing changed, or the editor
fails, the file is left byte for byte as it was. When the file cannot be
replaced (it changed on disk meanwhile), the edit is sealed the same way
to FILE.sealed.edit-XXXXXXXX beside it, and the error names it.

The plaintext is removed when the editor exits, whatever happened; also
when envseal is stopped by SIGINT, SIGTERM or SIGHUP (forwarded to the
editor: its exit status decides, as with git, so Ctrl-C inside vim does not
lose an edit). If envseal is killed (SIGKILL), Linux kills the editor too,
and the next edit or exec --file removes the directory. --timeout is a
deadline for the whole edit: when it passes the editor gets SIGTERM
(SIGKILL 10s later) and nothing is saved, whatever the editor's exit
status.

Keeping the data key means whoever ever held it can read later versions,
for instance a recipient removed with 'envseal rewrap --remove'.
--rotate-data-key makes a new data key and wraps it for every recipient:
pass a --key for each of them (KMS keys need Encrypt permission), or the
command names the missing key ids and stops before the editor opens. With
--rotate-data-key the file is rewritten even if the content did not change.

A signed file is re-signed with --sign-with URI, its signer's own key
(the header, signer block and certificates included, is kept); without
it, or with another key, the file is refused before the editor starts.

A second edit, set, unset, rewrap --in-place or migrate --in-place of the
same file is refused while one runs (an flock on the file). Exit status: 0 on success or no change, 1 when the
file cannot be opened, the editor fails or is not found (the file is then
unchanged, or --timeout passed), 2 for usage errors, 130 when a signal
stopped the editor.`,
		Example: `  envseal edit --key file:team.key secrets.env.sealed

  # a GUI editor must wait for its window to close
  VISUAL='code --wait' envseal edit --key awskms:///alias/Demo config.json.sealed

  # a new data key for every recipient, without changing the content
  EDITOR=true envseal edit --rotate-data-key --key file:team.key --key file:breakglass.key secrets.env.sealed`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return editRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.Keys, "key", "k", nil, "key `URI` that opens the file (repeatable; default $ENVSEAL_KEY)")
	f.BoolVar(&opts.RotateDataKey, "rotate-data-key", false, "make a new data key for every recipient (needs a --key for each)")
	addSignerFlags(cmd, &opts.Signer)
	addResignFlag(cmd, &opts.SignWith)
	return cmd
}

func editRun(ctx context.Context, opts *EditOptions) (err error) {
	if ctx, err = withSignerPolicy(ctx, opts.IO, &opts.Signer); err != nil {
		return err
	}
	if opts.File == "-" {
		return usageErrorf("", "edit needs a file, not standard input")
	}
	ids, rotateTo, err := resealKeys(ctx, opts.IO, "edit", opts.Keys, opts.RotateDataKey)
	if err != nil {
		return err
	}
	s, err := lockSealed(ctx, "edit", opts.File)
	if err != nil {
		return err
	}
	defer s.Close()
	// Before the editor: a signed file that cannot be re-signed must not
	// cost the user an edit that then cannot be saved.
	if err := s.resignWith(ctx, opts.IO, "edit", opts.SignWith); err != nil {
		return err
	}
	dk, err := s.dataKey(ctx, ids)
	if err != nil {
		return err
	}
	defer clear(dk)
	var rot *rotation
	if opts.RotateDataKey {
		if rot, err = s.rotate(ctx, rotateTo); err != nil {
			return err
		}
		defer rot.clear()
	}
	dir, err := secretdir.NewEdit()
	if err != nil {
		return fmt.Errorf("failed to create a private temp directory: %w", err)
	}
	// Every way out of here removes the plaintext: this defer on return,
	// Execute (removeLiveSecretDir) when a signal abandons a run stuck
	// before the editor starts, the sweep of the next run after SIGKILL.
	liveSecretDir.Store(dir)
	defer func() {
		liveSecretDir.CompareAndSwap(dir, nil)
		if rerr := dir.Remove(); rerr != nil {
			err = errors.Join(err, withHint(rerr, "delete the directory by hand: it holds plaintext"))
		}
	}()
	path, before, err := writePlaintext(ctx, s, dk, dir)
	if err != nil {
		return err
	}
	if err := runEditor(ctx, opts.IO, path, dir); err != nil {
		return err
	}
	// From here the editor has exited 0: save even if a signal came
	// meanwhile (the editor got it, and chose to carry on), without
	// letting that cancelled context stop a local write halfway.
	ctx = context.WithoutCancel(ctx)
	// Read back through the directory's descriptor, and only if its path
	// still leads there: what the editor saved in the directory envseal
	// made, never a file someone redirected the path to.
	if err := dir.Check(); err != nil {
		return fmt.Errorf("not saved: %w", err)
	}
	edited, err := dir.Open(filepath.Base(path))
	if err != nil {
		return fmt.Errorf("failed to read the edited file: %w", err)
	}
	defer edited.Close()
	after, err := sha256Of(edited)
	if err != nil {
		return fmt.Errorf("failed to read the edited file: %w", err)
	}
	if bytes.Equal(before, after) && rot == nil {
		fmt.Fprintf(opts.IO.ErrOut, "envseal: %s unchanged\n", opts.File)
		return nil
	}
	if _, err := edited.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("failed to read the edited file: %w", err)
	}
	if err := s.replace(ctx, dk, edited, rot); err != nil {
		return saveAside(ctx, s, dk, edited, rot, err)
	}
	return nil
}

// saveAside keeps an edit that could not replace the file (it changed on
// disk meanwhile, or the rename failed): the plaintext is about to be
// removed with the directory, and whatever was typed in the editor with
// it. It is sealed as the file would have been (same header, or the
// rotation's), so only ciphertext lands beside the file, under a new
// name, FILE.edit-XXXXXXXX. If that fails too, the first error is
// returned as it was.
func saveAside(ctx context.Context, s *lockedSealed, dk []byte, edited io.ReadSeeker, rot *rotation, cause error) error {
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return cause
	}
	if _, err := edited.Seek(0, io.SeekStart); err != nil {
		return cause
	}
	aside := s.path + ".edit-" + hex.EncodeToString(rnd[:])
	out, err := createOutput(aside, false, s.lock.fi.Mode().Perm())
	if err != nil {
		return cause
	}
	if err := s.writeTo(out, dk, ctxReader{ctx, edited}, rot); err != nil {
		out.abort()
		return cause
	}
	if err := out.commit(); err != nil {
		return cause
	}
	return withHint(fmt.Errorf("%w; the edit is kept, sealed, in %s", cause, aside),
		"compare 'envseal open' of both files, then move "+aside+" over "+s.path+" or merge the change by hand")
}

// writePlaintext decrypts the file into dir, under its own name without
// .sealed (so the editor picks the right syntax), and returns the path and
// the plaintext's SHA-256, to tell afterwards whether it changed.
func writePlaintext(ctx context.Context, s *lockedSealed, dk []byte, dir *secretdir.Dir) (string, []byte, error) {
	name := strings.TrimSuffix(filepath.Base(s.path), sealedSuffix)
	if name == "" || name == "." || name == ".." {
		name = "plaintext"
	}
	f, err := dir.Create(name)
	if err != nil {
		return "", nil, fmt.Errorf("failed to create the plaintext file: %w", err)
	}
	defer f.Close()
	r, err := s.plaintext(ctx, dk)
	if err != nil {
		return "", nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, fmt.Errorf("failed to write the plaintext file: %w", err)
	}
	return f.Name(), h.Sum(nil), nil
}

func sha256Of(r io.Reader) ([]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// editorCommand is $VISUAL, else $EDITOR, else vi, as git and crontab
// choose it.
func editorCommand() string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := strings.TrimSpace(os.Getenv(v)); e != "" {
			return e
		}
	}
	return "vi"
}

// editorArgv is the editor command line for path: the setting split on
// spaces, or, when it has shell syntax (quotes, $, ...), run by sh as git
// does, with path as "$1", never pasted into the script.
func editorArgv(editor, path string) []string {
	if strings.ContainsAny(editor, "\"'\\$`|&;<>(){}*?[]~#\n") {
		return []string{"sh", "-c", editor + ` "$@"`, editor, path}
	}
	return append(strings.Fields(editor), path)
}

// runEditor runs the editor on path and returns nil only if it exited 0.
// It is supervised as exec's command is: signals forwarded, killed by the
// kernel if envseal is SIGKILLed, and it inherits the directory's lock so
// that no sweep removes the directory under a process it started. Unlike
// exec's command it gets no core dumps: the editor holds the whole
// plaintext, and a crash would write it to a core file.
func runEditor(ctx context.Context, ios *IOStreams, path string, dir *secretdir.Dir) error {
	editor := editorCommand()
	code, err := supervise.Run(ctx, &supervise.Cmd{Argv: editorArgv(editor, path), Env: childEnv(os.Environ(), nil),
		Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut, ExtraFiles: dir.Inherit(), NoCoreDump: true})
	var se *supervise.StartError
	var te *TimeoutError
	switch {
	case errors.As(err, &se):
		return withHint(fmt.Errorf("failed to run the editor: %w", se.Err), "set $VISUAL or $EDITOR to your editor, e.g. EDITOR=nano")
	case errors.Is(err, supervise.ErrNotStarted):
		return interruption(ctx)
	case err != nil:
		return err
	case errors.As(context.Cause(ctx), &te):
		// Before code == 0 on purpose: --timeout promises no output, and
		// an editor that exits 0 on the SIGTERM it got may have saved
		// half an edit, or nothing the user meant to keep.
		return withHint(fmt.Errorf("%w: the editor was stopped; the file is unchanged", te),
			"edit without --timeout, or with a longer one")
	case code == 0:
		return nil
	case ctx.Err() != nil:
		return ErrInterrupted
	case code == supervise.ExitNotFound || code == supervise.ExitCannotRun:
		return withHint(fmt.Errorf("the editor %q exited with status %d (not found or not runnable); the file is unchanged", editor, code),
			"set $VISUAL or $EDITOR to your editor, e.g. EDITOR=nano")
	}
	return fmt.Errorf("the editor exited with status %d; the file is unchanged", code)
}
