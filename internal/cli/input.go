package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// input is what a command reads: stdin or a file.
type input struct {
	io.Reader
	name string
	file *os.File // nil for stdin
}

func (in *input) Close() error {
	if in.file == nil {
		return nil
	}
	return in.file.Close()
}

// openInput opens path, or stdin for "" and "-". It refuses directories up
// front so the error names the real problem.
func openInput(ios *IOStreams, path string) (*input, error) {
	if path == "" || path == "-" {
		return &input{Reader: ios.In, name: "standard input"}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to open input: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("failed to open input: %w", err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("input %s is a directory", path)
	}
	return &input{Reader: f, name: path, file: f}, nil
}

// size returns the input's size when it is a regular file, else -1.
func (in *input) size() int64 {
	if in.file == nil {
		return -1
	}
	fi, err := in.file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return -1
	}
	return fi.Size()
}

// mode returns the input file's permission bits, or def for stdin: a file
// rewritten in place keeps the mode it had.
func (in *input) mode(def fs.FileMode) fs.FileMode {
	if in.file == nil {
		return def
	}
	fi, err := in.file.Stat()
	if err != nil {
		return def
	}
	return fi.Mode().Perm()
}

// sameFile reports whether the input file and the output path are one file.
func (in *input) sameFile(outPath string) bool {
	if in.file == nil || outPath == "" || outPath == "-" {
		return false
	}
	a, err1 := in.file.Stat()
	b, err2 := os.Stat(outPath)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// ctxReader stops a copy when the context is cancelled (SIGINT, SIGTERM,
// --timeout), so the command returns and the temp output is removed. A
// read already blocked (on a pipe) is not woken: Execute handles that.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, interruption(c.ctx)
	}
	return c.r.Read(p)
}
