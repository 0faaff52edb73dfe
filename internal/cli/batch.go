package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
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

// runBatch runs transform for each job, with opts naming the job's input
// and output. A file that fails is reported and the others still run
// (outputs already made stay: each is whole); an interruption or --timeout
// stops the batch at once.
func runBatch(ctx context.Context, ios *IOStreams, opts transformOptions, jobs []job,
	fn func(io.Reader, io.Writer) error) error {
	failed := 0
	for _, j := range jobs {
		opts.Input, opts.Output = j.in, j.out
		err := transform(ctx, ios, opts, fn)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return err
		}
		failed++
		PrintError(ios.ErrOut, fmt.Errorf("%s: %w", j.in, err))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files failed", failed, len(jobs))
	}
	return nil
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
	return runBatch(ctx, opts.IO, transformOptions{Verb: "sealing", Force: opts.Force, Mode: 0o644}, jobs, sealer(ctx, ws, encCtx, opts.Armor))
}

// openBatch opens each FILE.sealed to DIR/FILE: at most one unwrap (one
// KMS Decrypt) per file.
func openBatch(ctx context.Context, opts *OpenOptions, ids []keyprovider.Unwrapper, required map[string]string) error {
	jobs, err := batchJobs(opts.Inputs, opts.Output, func(base string) (string, error) {
		name, ok := strings.CutSuffix(base, sealedSuffix)
		if !ok || name == "" {
			return "", usageErrorf("open it on its own with -o OUT, or rename it to FILE"+sealedSuffix,
				"%s does not end in %s: cannot name its output", base, sealedSuffix)
		}
		return name, nil
	})
	if err != nil {
		return err
	}
	return runBatch(ctx, opts.IO, transformOptions{Verb: "opening", Force: opts.Force, Mode: 0o600}, jobs, opener(ctx, ids, required, false))
}
