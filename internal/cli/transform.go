package cli

import (
	"context"
	"io"
	"io/fs"
)

// transformOptions name the input and output of a command that writes a
// file.
type transformOptions struct {
	Verb   string // labels the progress bar (transform)
	Input  string // path; "" or "-" is standard input
	Output string // path; "" or "-" is standard output
	Force  bool   // replace an existing output file

	// InPlace makes Output Input, which the output replaces keeping the
	// input's permission bits; otherwise the two must differ.
	InPlace bool

	// Mode is the output file's permission bits (with InPlace, only the
	// fallback for standard input).
	Mode fs.FileMode
}

// transform runs fn from the input to the output and makes the output
// appear only if fn succeeds. Every command that writes a file uses it.
//
// opts.Verb labels the progress bar, shown for long jobs when stderr is a
// terminal.
func transform(ctx context.Context, ios *IOStreams, opts transformOptions, fn func(io.Reader, io.Writer) error) error {
	return withInputOutput(ios, opts, progressed(ctx, ios, opts.Verb, fn))
}

// replaceFile is transform with IN as its own output: the new content goes
// to a temp file beside it, which replaces IN only if fn succeeded. The
// file keeps its permission bits.
func replaceFile(ctx context.Context, ios *IOStreams, verb, path string, fn func(io.Reader, io.Writer) error) error {
	return transform(ctx, ios, transformOptions{Verb: verb, Input: path, Output: path, Force: true, InPlace: true, Mode: 0o644}, fn)
}

// progressed runs fn on the input behind a progress bar labelled verb
// (shown for long jobs when stderr is a terminal), stopping at ctx's end.
func progressed(ctx context.Context, ios *IOStreams, verb string, fn func(io.Reader, io.Writer) error) func(*input, io.Writer) error {
	return func(in *input, out io.Writer) error {
		pr := withProgress(ios, ctxReader{ctx, in}, in.size(), verb)
		defer pr.Finish()
		return fn(pr, out)
	}
}

// withInputOutput opens the input (or stdin) and an atomic output (or
// stdout), runs fn, and keeps the output only if fn succeeds.
func withInputOutput(ios *IOStreams, opts transformOptions, fn func(*input, io.Writer) error) error {
	in, err := openInput(ios, opts.Input)
	if err != nil {
		return err
	}
	defer in.Close()
	mode := opts.Mode
	switch {
	case opts.InPlace:
		mode = in.mode(mode)
	case in.sameFile(opts.Output):
		return usageErrorf("write to another file, then rename it", "input and output are the same file")
	}
	out, err := openOutput(ios, opts.Output, opts.Force, mode)
	if err != nil {
		return err
	}
	if err := fn(in, out); err != nil {
		out.abort()
		return err
	}
	return out.commit()
}
