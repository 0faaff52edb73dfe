// Command testreport reads `go test -json` output on stdin and prints a
// short report for CI logs: one line per package result, then the whole
// output of every failed test (which a -v log interleaves with everything
// else, and a truncated CI log loses), then a count line:
//
//	Tests: N passed, N failed, N skipped
//
// It exits 1 if any test or package failed or the input holds no result,
// so a run that printed nothing cannot pass.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of go test -json output: a test2json event, or a
// build event (build-output, build-fail), which names its package by
// ImportPath and is referred to by a package's FailedBuild.
type event struct {
	Action      string
	Package     string
	ImportPath  string
	Test        string
	Output      string
	Elapsed     float64
	FailedBuild string
}

// report is what testreport learns from a run.
type report struct {
	outputs  map[string]*strings.Builder // "pkg TestName" ("pkg " for the package) -> output
	builds   map[string]*strings.Builder // ImportPath -> compiler and vet output
	failed   []string                    // failed tests, in the order they ended
	failPkgs []string                    // failed packages
	buildOf  map[string]string           // failed package -> the build that failed it
	packages []string                    // "ok pkg 1.2s" / "FAIL pkg 3.4s" lines
	pkgFail  bool
	passed   int
	skipped  int
}

func main() {
	r, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	r.print(os.Stdout)
	if r.pkgFail || len(r.failed) > 0 || len(r.packages) == 0 {
		os.Exit(1)
	}
}

func read(in io.Reader) (*report, error) {
	r := &report{outputs: map[string]*strings.Builder{}, builds: map[string]*strings.Builder{},
		buildOf: map[string]string{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// go vet or build errors arrive as plain text: keep them visible
			fmt.Println(sc.Text())
			continue
		}
		r.add(e)
	}
	return r, sc.Err()
}

func (r *report) add(e event) {
	key := e.Package + " " + e.Test
	switch {
	case e.Action == "build-output":
		appendTo(r.builds, e.ImportPath, e.Output)
	case e.Action == "output":
		appendTo(r.outputs, key, e.Output)
	case e.Test == "" && (e.Action == "pass" || e.Action == "fail"):
		word := map[string]string{"pass": "ok  ", "fail": "FAIL"}[e.Action]
		r.packages = append(r.packages, fmt.Sprintf("%s %s %.1fs", word, e.Package, e.Elapsed))
		if e.Action == "fail" {
			r.pkgFail = true
			r.failPkgs = append(r.failPkgs, e.Package)
			r.buildOf[e.Package] = e.FailedBuild
		}
	case e.Test == "":
		// start, skip (no test files), build-fail and the like: no count
	case e.Action == "pass":
		r.passed++
	case e.Action == "skip":
		r.skipped++
	case e.Action == "fail":
		r.failed = append(r.failed, key)
	}
}

func appendTo(m map[string]*strings.Builder, key, s string) {
	b := m[key]
	if b == nil {
		b = &strings.Builder{}
		m[key] = b
	}
	b.WriteString(s)
}

func (r *report) print(w io.Writer) {
	for _, p := range r.packages {
		fmt.Fprintln(w, p)
	}
	for _, key := range r.failed {
		pkg, test, _ := strings.Cut(key, " ")
		fmt.Fprintf(w, "\n=== output of failed test %s (%s)\n", test, pkg)
		fmt.Fprint(w, r.tail(key))
	}
	// A package can fail outside any test: a build or vet error, TestMain,
	// a panic, a race report at exit.
	for _, pkg := range r.failPkgs {
		fmt.Fprintf(w, "\n=== output of failed package %s, outside its tests\n", pkg)
		if b := r.builds[r.buildOf[pkg]]; b != nil {
			fmt.Fprint(w, b.String()) // compiler or vet errors: all of them
		}
		fmt.Fprint(w, r.tail(pkg+" "))
	}
	fmt.Fprintf(w, "Tests: %d passed, %d failed, %d skipped\n", r.passed, len(r.failed), r.skipped)
}

// maxLines bounds what is printed for one test or package: the end of a
// long output is where the failure is.
const maxLines = 150

func (r *report) tail(key string) string {
	b := r.outputs[key]
	if b == nil {
		return ""
	}
	lines := strings.SplitAfter(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) <= maxLines {
		return b.String()
	}
	cut := len(lines) - maxLines
	return fmt.Sprintf("[%d lines cut]\n", cut) + strings.Join(lines[cut:], "") + "\n"
}
