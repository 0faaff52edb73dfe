package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/envseal/envseal/internal/throttle"
	"github.com/envseal/envseal/internal/workpool"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// sealedSuffix is what batch seal appends and batch open removes.
const sealedSuffix = ".sealed"

// batchMode reports whether seal or open runs as a batch: several inputs,
// or one with -o naming an existing directory. A batch needs -o DIR and
// files (standard input cannot be one of many).
func batchMode(out string, inputs []string) (bool, error) {
	dir := out != "" && out != "-" && isDir(out)
	switch {
	case len(inputs) <= 1:
		return dir && len(inputs) == 1, nil
	case out == "" || out == "-":
		return false, usageErrorf("pass -o DIR to write FILE.sealed (or FILE) for each input into DIR",
			"%d inputs need -o DIR", len(inputs))
	case !dir:
		return false, usageErrorf("create it first: mkdir -p "+out,
			"with several inputs, -o must name an existing directory: %s", out)
	}
	for _, in := range inputs {
		if in == "-" {
			return false, usageErrorf("", "standard input cannot be one of several inputs")
		}
	}
	return true, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// job is one input and the output path it gets in a batch.
type job struct{ in, out string }

// batchJobs maps each input to DIR/name(input), refusing two inputs that
// would land on one output.
func batchJobs(inputs []string, dir string, name func(string) (string, error)) ([]job, error) {
	jobs := make([]job, 0, len(inputs))
	seen := map[string]string{}
	for _, in := range inputs {
		n, err := name(filepath.Base(in))
		if err != nil {
			return nil, err
		}
		out := filepath.Join(dir, n)
		if prev, dup := seen[out]; dup {
			return nil, usageErrorf("run them in separate batches, or rename one",
				"%s and %s would both be written to %s", prev, in, out)
		}
		seen[out] = in
		jobs = append(jobs, job{in, out})
	}
	return jobs, nil
}

// BatchOptions are the flags every command that works on many files
// shares.
type BatchOptions struct {
	// Jobs is how many files are worked on at once: each waits for its
	// own KMS request (or HSM call), so a batch costs about one request's
	// latency per Jobs files instead of per file.
	Jobs int
	// FailFast starts no more files after the first one failed.
	FailFast bool
}

// defaultJobs is --jobs when not given. The work is bound by KMS latency,
// not by cores: 16 requests in flight cut a batch's KMS wait sixteenfold
// and are far below any KMS request quota (thousands per second). Memory
// does not grow with it: payloads are encrypted or decrypted only
// payloadSlots at a time, whatever --jobs (see docs/performance.md).
const defaultJobs = 16

// throttleRetries is how many more times a batch tries a file that the
// key service kept refusing for its request rate after the SDK's own
// retries, each time after a pause that every worker of the batch waits
// out (internal/throttle): up to about half a minute in all.
const throttleRetries = 8

// maxJobs bounds --jobs: beyond it, a batch only makes KMS throttle it.
const maxJobs = 256

func addBatchFlags(cmd *cobra.Command, b *BatchOptions) {
	cmd.Flags().IntVarP(&b.Jobs, "jobs", "j", defaultJobs, "with several files, work on up to `N` at once")
	cmd.Flags().BoolVar(&b.FailFast, "fail-fast", false, "with several files, start no more after the first failure")
}

func (b BatchOptions) check() error {
	if b.Jobs < 1 || b.Jobs > maxJobs {
		return usageErrorf(fmt.Sprintf("pass a number from 1 to %d; the default is %d", maxJobs, defaultJobs),
			"--jobs %d is out of range", b.Jobs)
	}
	return nil
}

// window is how many files may be started but not yet reported: enough
// that a slow file does not hold up the workers behind it, and with
// --jobs 1 just the one, so that a batch runs exactly as a loop would.
func (b BatchOptions) window() int {
	if b.Jobs <= 1 {
		return 1
	}
	return 4 * b.Jobs
}

// payloadSlots bounds how many files of a batch stream their payload at
// once: a file holds its stream pipeline's buffers (up to about 4 MiB)
// only while it has a slot, so that --jobs sets how many KMS requests are
// in flight and not how much memory a batch of large files takes. A
// payload keeps the cores busy by itself: a slot per core, and one more
// to overlap a file's start and end with the others' work.
type payloadSlots chan struct{}

func newPayloadSlots() payloadSlots { return make(payloadSlots, runtime.GOMAXPROCS(0)+1) }

// acquire waits for a slot and returns its release; a nil payloadSlots
// has no bound.
func (s payloadSlots) acquire(ctx context.Context) (func(), error) {
	if s == nil {
		return func() {}, nil
	}
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-ctx.Done():
		return nil, interruption(ctx)
	}
}

// fileStreams returns the streams one file of a batch writes to: with
// files in flight at once, its messages go to a buffer that the batch
// prints after the previous file's, and there is no progress bar; with
// one at a time, the command's own streams.
func fileStreams(ios *IOStreams, jobs int) (*IOStreams, *bytes.Buffer) {
	if jobs <= 1 {
		return ios, nil
	}
	buf := new(bytes.Buffer)
	fios := *ios
	fios.ErrOut = buf
	fios.StderrTTY = false
	return &fios, buf
}

// runBatch runs transform for each job, with opts naming the job's input
// and output, b.Jobs files at a time. Messages come out in input order,
// each file's after the previous file's. A file that fails is reported and
// the others still run (outputs already made stay: each is whole), unless
// b.FailFast; a file the key service throttled is tried again after a
// pause that slows the whole batch down; an interruption or --timeout
// stops the batch at once, and the files in flight then leave no output
// and no temp file.
func runBatch(ctx context.Context, ios *IOStreams, opts transformOptions, jobs []job, b BatchOptions,
	fn func(io.Reader, io.Writer) error) error {
	type result struct {
		err  error
		msgs *bytes.Buffer
	}
	failed := 0
	var gate throttle.Gate
	started := workpool.Ordered(ctx, len(jobs), b.Jobs, b.window(), func(ctx context.Context, i int) result {
		fios, buf := fileStreams(ios, b.Jobs)
		o := opts
		o.Input, o.Output = jobs[i].in, jobs[i].out
		err := gate.Do(ctx, throttleRetries, func() error {
			if buf != nil {
				buf.Reset()
			}
			return transform(ctx, fios, o, fn)
		})
		return result{err, buf}
	}, func(i int, r result) bool {
		if r.msgs != nil {
			ios.ErrOut.Write(r.msgs.Bytes())
		}
		if r.err == nil || ctx.Err() != nil {
			return ctx.Err() == nil
		}
		failed++
		PrintError(ios.ErrOut, fmt.Errorf("%s: %w", displayString(jobs[i].in), r.err))
		return !b.FailFast
	})
	if ctx.Err() != nil {
		return interruption(ctx)
	}
	return batchResult(failed, started, len(jobs))
}

// batchResult is a batch's error: nil if every file succeeded.
func batchResult(failed, started, total int) error {
	switch {
	case failed == 0:
		return nil
	case started < total:
		return fmt.Errorf("%d of %d files failed; %d not started (--fail-fast)", failed, total, total-started)
	}
	return fmt.Errorf("%d of %d files failed", failed, total)
}

// sealBatch seals each input to DIR/FILE.sealed with the keys opened once:
// each file still gets its own data key (one GenerateDataKey per file for
// a KMS recipient).
func sealBatch(ctx context.Context, opts *SealOptions, ws []keyprovider.Wrapper, encCtx map[string]string) error {
	jobs, err := batchJobs(opts.Inputs, opts.Output, func(base string) (string, error) {
		return base + sealedSuffix, nil
	})
	if err != nil {
		return err
	}
	return runBatch(ctx, opts.IO, transformOptions{Verb: "sealing", Force: opts.Force, Mode: 0o644}, jobs, opts.Batch, sealer(ctx, ws, encCtx, opts.Armor, newPayloadSlots()))
}

// openBatch opens each FILE.sealed to DIR/FILE: at most one unwrap (one
// KMS Decrypt) per file.
func openBatch(ctx context.Context, opts *OpenOptions, ids []keyprovider.Unwrapper, required map[string]string) error {
	jobs, err := batchJobs(opts.Inputs, opts.Output, func(base string) (string, error) {
		name, ok := strings.CutSuffix(base, sealedSuffix)
		switch {
		case !ok || name == "":
			return "", usageErrorf("open it on its own with -o OUT, or rename it to FILE"+sealedSuffix,
				"%s does not end in %s: cannot name its output", displayString(base), sealedSuffix)
		case name == "." || name == "..": // DIR/. and DIR/.. are not files
			return "", usageErrorf("open it on its own with -o OUT, or rename it to FILE"+sealedSuffix,
				"%s would be opened to %q: cannot name its output", displayString(base), name)
		}
		return name, nil
	})
	if err != nil {
		return err
	}
	return runBatch(ctx, opts.IO, transformOptions{Verb: "opening", Force: opts.Force, Mode: 0o600}, jobs, opts.Batch, opener(ctx, ids, required, false, newPayloadSlots()))
}
