package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envseal/envseal/internal/throttle"
	"github.com/envseal/envseal/internal/workpool"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// Bulk rotation: rewrap --in-place over many files and directory trees,
// each file atomic, --jobs at a time, with a line (or a JSON record) per
// file in input order.

// What happened to one file of a bulk rewrap (the JSON "action").
const (
	actionRewrapped   = "rewrapped"
	actionSkipped     = "skipped"
	actionWouldRewrap = "would-rewrap"
	actionFailed      = "failed"
)

// rewrapRecord is one file's --json line.
type rewrapRecord struct {
	Path   string   `json:"path"`
	Action string   `json:"action"`
	Before []string `json:"recipients_before"`
	After  []string `json:"recipients_after"`
	Note   string   `json:"note,omitempty"`
	Error  string   `json:"error,omitempty"`

	err error // with its hint, for the error line
}

// bulk reports whether rewrap runs over many files: several PATHs, a
// directory, or --dry-run, --json or --allow-absent, which only bulk
// rewrap has.
func (opts *RewrapOptions) bulk() bool {
	return len(opts.Inputs) > 1 || opts.DryRun || opts.JSON || opts.AllowAbsent || (len(opts.Inputs) == 1 && isDir(opts.Inputs[0]))
}

func checkBulkFlags(opts *RewrapOptions) error {
	switch {
	case opts.Output != "":
		return usageErrorf("pass --in-place instead: each file is replaced atomically",
			"several files, a directory, --dry-run and --json rewrap in place: -o cannot be used")
	case !opts.InPlace:
		return usageErrorf("pass --in-place (with --dry-run first to see what it would do)",
			"several files, a directory, --dry-run and --json need --in-place")
	case slices.Contains(opts.Inputs, "-"):
		return usageErrorf("", "standard input cannot be rewrapped in place")
	}
	return opts.Batch.check()
}

// rewrapPlan is what every file of a bulk rewrap gets.
type rewrapPlan struct {
	ids    []keyprovider.Unwrapper
	adders []keyprovider.Wrapper
	addIDs []string // the stanza key id each adder makes
	remove []string
	popts  *keyprovider.Options
	dryRun bool
}

func rewrapMany(ctx context.Context, opts *RewrapOptions) error {
	uris := keyURIs(opts.Keys)
	if len(uris) == 0 {
		return errNoKey("rewrap")
	}
	plan := &rewrapPlan{remove: opts.Remove, popts: providerOptions(opts.IO), dryRun: opts.DryRun}
	var err error
	if plan.ids, err = openUnwrappers(ctx, uris, plan.popts); err != nil {
		return err
	}
	if plan.adders, err = openWrappers(ctx, opts.Add, plan.popts); err != nil {
		return err
	}
	if plan.addIDs, err = recipientIDs(ctx, plan.adders); err != nil {
		return err
	}
	for _, id := range plan.addIDs {
		if slices.Contains(plan.remove, id) {
			return usageErrorf("", "--add and --remove both name key id %s", id)
		}
	}
	targets := rewrapTargets(opts.Inputs)
	ios := opts.IO
	var n struct{ done, skipped, failed int }
	enc := json.NewEncoder(ios.Out)
	var reportErr error // the first failed --json write: the report is incomplete
	var gate throttle.Gate
	seen := make([]bool, len(plan.remove)) // which --remove ids some file had
	started := workpool.Ordered(ctx, len(targets), opts.Batch.Jobs, opts.Batch.window(),
		func(ctx context.Context, i int) rewrapResult {
			fios, buf := fileStreams(ios, opts.Batch.Jobs)
			var rec rewrapRecord
			gate.Do(ctx, throttleRetries, func() error {
				if buf != nil {
					buf.Reset()
				}
				rec = plan.file(ctx, fios, targets[i])
				return rec.err
			})
			return rewrapResult{rec, buf}
		}, func(i int, r rewrapResult) bool {
			if r.msgs != nil {
				ios.ErrOut.Write(r.msgs.Bytes())
			}
			rec := r.rec
			if rec.err != nil && ctx.Err() != nil {
				return false // interrupted: not this file's failure
			}
			for i, id := range plan.remove {
				seen[i] = seen[i] || slices.Contains(rec.Before, id)
			}
			switch rec.Action {
			case actionFailed:
				n.failed++
				PrintError(ios.ErrOut, fmt.Errorf("%s: %w", displayString(rec.Path), rec.err))
			case actionSkipped:
				n.skipped++
			default:
				n.done++
			}
			if opts.JSON {
				if err := enc.Encode(rec); err != nil && reportErr == nil {
					reportErr = fmt.Errorf("failed to write the --json report: %w", err)
				}
			} else if rec.Action != actionFailed && !ios.Quiet {
				fmt.Fprintln(ios.ErrOut, rec.line())
			}
			return rec.Action != actionFailed || !opts.Batch.FailFast
		})
	if ctx.Err() != nil {
		return interruption(ctx)
	}
	if !ios.Quiet {
		verb := actionRewrapped
		if opts.DryRun {
			verb = "would rewrap"
		}
		fmt.Fprintf(ios.ErrOut, "envseal: %s %d, skipped %d, failed %d of %d files\n", verb, n.done, n.skipped, n.failed, len(targets))
	}
	// Each of these fails the run; all are said, the last is returned.
	var absent error
	if !opts.AllowAbsent {
		absent = absentIDs(plan.remove, seen)
	}
	var errs []error
	for _, err := range []error{reportErr, absent, batchResult(n.failed, started, len(targets))} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs[:len(errs)-1] {
		PrintError(ios.ErrOut, err)
	}
	return errs[len(errs)-1]
}

// absentIDs fails if a --remove id was in no file the run read: a file
// without it and with every --add key is skipped as at the target, so a
// mistyped id would otherwise pass, exit 0, for a revocation.
func absentIDs(remove []string, seen []bool) error {
	var ids []string
	for i, id := range remove {
		if !seen[i] {
			ids = append(ids, displayQuoted(id))
		}
	}
	if ids == nil {
		return nil
	}
	return withHint(fmt.Errorf("--remove key id %s: no file of the run has a recipient with it", strings.Join(ids, ", ")),
		"key ids are as 'envseal inspect FILE' shows them; to rerun a revocation that is done, pass --allow-absent")
}

type rewrapResult struct {
	rec  rewrapRecord
	msgs *bytes.Buffer
}

// line is a record as the text report prints it, the path and key ids
// escaped for a terminal (a file name can hold any byte but / and NUL).
func (r *rewrapRecord) line() string {
	path := displayString(r.Path)
	switch {
	case r.Note != "":
		return fmt.Sprintf("%s %s: %s", r.Action, path, r.Note)
	case r.Action == actionSkipped:
		return fmt.Sprintf("skipped %s: already has the target recipients", path)
	}
	verb := r.Action
	if verb == actionWouldRewrap {
		verb = "would rewrap"
	}
	var change []string
	for _, id := range r.After {
		if !slices.Contains(r.Before, id) {
			change = append(change, "+"+displayString(id))
		}
	}
	for _, id := range r.Before {
		if !slices.Contains(r.After, id) {
			change = append(change, "-"+displayString(id))
		}
	}
	return fmt.Sprintf("%s %s: %s", verb, path, strings.Join(change, " "))
}

// recipientIDs learns the stanza key id each recipient makes (for KMS the
// key ARN, whatever alias named it) by wrapping a throwaway data key once:
// one KMS Encrypt per KMS recipient per run, in exchange for telling,
// without a KMS call per file, which files already have them.
func recipientIDs(ctx context.Context, ws []keyprovider.Wrapper) ([]string, error) {
	dk := make([]byte, keyprovider.DataKeySize)
	defer clear(dk)
	if _, err := rand.Read(dk); err != nil {
		return nil, err
	}
	ids := make([]string, len(ws))
	for i, w := range ws {
		s, err := w.Wrap(ctx, dk, nil)
		if err != nil {
			return nil, fmt.Errorf("failed to wrap for an --add key: %w", err)
		}
		ids[i] = s.KeyID
	}
	return ids, nil
}

// rewrapTarget is one file to rewrap, or one to report without opening
// (note: skipped; err: failed).
type rewrapTarget struct {
	path   string
	note   string
	err    error
	inTree bool // found in a directory, not named: never through a link
}

// rewrapTargets lists the files under paths, in order: a file named is
// taken whatever its name (through a symbolic link, the file it names, as
// single-file --in-place does); a directory is walked in lexical order for
// *.sealed regular files. Inside a directory no symbolic link is followed,
// so nothing outside the tree is touched: a link named *.sealed, or to a
// directory, is reported as skipped. A file reached twice is done once.
func rewrapTargets(paths []string) []rewrapTarget {
	var out []rewrapTarget
	seen := map[string]bool{}
	add := func(t rewrapTarget, real string) {
		if abs, err := filepath.Abs(real); err == nil {
			if seen[abs] {
				return
			}
			seen[abs] = true
		}
		out = append(out, t)
	}
	for _, p := range paths {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			out = append(out, rewrapTarget{path: p, err: fmt.Errorf("failed to open input: %w", err)})
			continue
		}
		fi, err := os.Stat(real)
		switch {
		case err != nil:
			out = append(out, rewrapTarget{path: p, err: fmt.Errorf("failed to open input: %w", err)})
			continue
		case !fi.IsDir():
			if !fi.Mode().IsRegular() {
				out = append(out, rewrapTarget{path: p, err: fmt.Errorf("%s is not a regular file", p)})
				continue
			}
			add(rewrapTarget{path: p}, real)
			continue
		}
		root := p
		if real != filepath.Clean(p) {
			root = real // a link to a tree, named by the user: walk the tree
		}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				out = append(out, rewrapTarget{path: path, err: fmt.Errorf("failed to read: %w", err)})
				return nil
			case d.IsDir():
				return nil
			case d.Type()&fs.ModeSymlink != 0:
				if fi, err := os.Stat(path); err == nil && fi.IsDir() {
					add(rewrapTarget{path: path, note: "link to a directory, not followed"}, path)
				} else if strings.HasSuffix(d.Name(), sealedSuffix) {
					add(rewrapTarget{path: path, note: "symbolic link, not followed"}, path)
				}
				return nil
			case !strings.HasSuffix(d.Name(), sealedSuffix):
				return nil
			case !d.Type().IsRegular():
				add(rewrapTarget{path: path, note: "not a regular file"}, path)
				return nil
			}
			add(rewrapTarget{path: path, inTree: true}, path)
			return nil
		})
	}
	return out
}

// file rewraps one file in place (or, with dryRun, works out what that
// would do) and says what happened.
func (plan *rewrapPlan) file(ctx context.Context, ios *IOStreams, t rewrapTarget) rewrapRecord {
	rec := rewrapRecord{Path: t.path, Before: []string{}, After: []string{}}
	fail := func(err error) rewrapRecord {
		rec.Action, rec.err, rec.Error = actionFailed, err, err.Error()
		rec.After = []string{}
		return rec
	}
	switch {
	case t.err != nil:
		return fail(t.err)
	case t.note != "":
		rec.Action, rec.Note = actionSkipped, t.note
		return rec
	}
	path := t.path
	if t.inTree {
		// Found as a regular file; if it became a link since, it is not
		// followed out of the tree.
		if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
			rec.Action, rec.Note = actionSkipped, "symbolic link, not followed"
			return rec
		}
	} else {
		path = inPlaceTarget(path) // named: the file a link names, as with one file
	}
	if err := checkSingleLink(path, ""); err != nil {
		return fail(err)
	}
	// As single-file --in-place does: without the lock, two runs (or an
	// edit and a run) read the same version and the one that renames last
	// undoes the other, a revoked recipient back. A dry run takes it too,
	// so that it reports a file that is being changed.
	l, err := lockInPlace(path)
	if err != nil {
		return fail(err)
	}
	defer l.Close()
	popts := *plan.popts
	popts.Warnings = ios.ErrOut
	err = rewriteFile(ctx, ios, path, path, true, func(h *envelope.Header, prefix []byte) (*envelope.Header, error) {
		rec.Before = stanzaIDs(h.Stanzas)
		after, adders, err := plan.recipients(rec.Before)
		if err != nil {
			return nil, err
		}
		rec.After = after
		switch {
		case adders == nil && !slices.ContainsFunc(rec.Before, func(id string) bool { return slices.Contains(plan.remove, id) }):
			rec.Action = actionSkipped
			return nil, nil
		case plan.dryRun:
			// Unwrap and check the payload's commitment as the run
			// would, without making any stanza.
			if _, err := envseal.RewrapHeader(ctx, h, prefix, plan.ids, nil); err != nil {
				return nil, err
			}
			rec.Action = actionWouldRewrap
			return nil, nil
		}
		nh, err := rewrapHeader(ctx, h, prefix, plan.ids, adders, plan.remove, &popts, nil, false)
		if err != nil {
			return nil, err
		}
		rec.After = stanzaIDs(nh.Stanzas)
		rec.Action = actionRewrapped
		return nh, nil
	})
	if err != nil {
		return fail(err)
	}
	return rec
}

// recipients returns the key ids a file with stanzas before ends up with,
// and the adders it lacks (nil if none): the target is every --add key
// and no --remove key id. Every --remove id must be in the file unless it
// is at the target already: a typo must not pass for a revocation.
func (plan *rewrapPlan) recipients(before []string) ([]string, []keyprovider.Wrapper, error) {
	var adders []keyprovider.Wrapper
	var after []string
	for i, id := range plan.addIDs {
		if !slices.Contains(before, id) {
			adders = append(adders, plan.adders[i])
		}
	}
	removing := false
	for _, id := range before {
		if slices.Contains(plan.remove, id) {
			removing = true
			continue
		}
		after = append(after, id)
	}
	if adders == nil && !removing {
		return slices.Clone(before), nil, nil
	}
	for _, id := range plan.remove {
		if !slices.Contains(before, id) {
			return nil, nil, withHint(&envseal.UnknownKeyIDError{KeyID: id}, "envseal inspect FILE lists the key ids")
		}
	}
	for i, id := range plan.addIDs {
		if !slices.Contains(before, id) {
			after = append(after, plan.addIDs[i])
		}
	}
	if len(after) == 0 {
		return nil, nil, envseal.ErrNoRecipients
	}
	return after, adders, nil
}

func stanzaIDs(ss []*keyprovider.Stanza) []string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.KeyID
	}
	return ids
}
