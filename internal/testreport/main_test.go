package main

import (
	"bytes"
	"strings"
	"testing"
)

const run = `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestOK"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"p/a","Test":"TestOK","Elapsed":0.1}
{"Action":"run","Package":"p/a","Test":"TestBad"}
{"Action":"output","Package":"p/a","Test":"TestBad","Output":"    bad_test.go:9: exit 143, want 5\n"}
{"Action":"run","Package":"p/a","Test":"TestBad/sub"}
{"Action":"output","Package":"p/a","Test":"TestBad/sub","Output":"    sub failed here\n"}
{"Action":"fail","Package":"p/a","Test":"TestBad/sub","Elapsed":0}
{"Action":"fail","Package":"p/a","Test":"TestBad","Elapsed":0.2}
{"Action":"skip","Package":"p/a","Test":"TestSkip","Elapsed":0}
{"Action":"output","Package":"p/a","Output":"FAIL\n"}
{"Action":"fail","Package":"p/a","Elapsed":1.5}
{"Action":"output","Package":"p/b","Output":"panic: in TestMain\n"}
{"Action":"fail","Package":"p/b","Elapsed":0.3}
{"ImportPath":"p/d [p/d.test]","Action":"build-output","Output":"# p/d [p/d.test]\n"}
{"ImportPath":"p/d [p/d.test]","Action":"build-output","Output":"./d.go:2:23: cannot use \"x\" as int value\n"}
{"ImportPath":"p/d [p/d.test]","Action":"build-fail"}
{"Action":"output","Package":"p/d","Output":"FAIL\tp/d [build failed]\n"}
{"Action":"fail","Package":"p/d","Elapsed":0,"FailedBuild":"p/d [p/d.test]"}
{"Action":"pass","Package":"p/c","Test":"TestC"}
{"Action":"pass","Package":"p/c","Elapsed":0.1}
`

func TestReport(t *testing.T) {
	r, err := read(strings.NewReader(run))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.print(&out)
	got := out.String()
	for _, want := range []string{
		"FAIL p/a 1.5s\nFAIL p/b 0.3s\nFAIL p/d 0.0s\nok   p/c 0.1s\n",
		"=== output of failed package p/d, outside its tests\n# p/d [p/d.test]\n./d.go:2:23: cannot use \"x\" as int value\nFAIL\tp/d [build failed]\n",
		"=== output of failed test TestBad/sub (p/a)\n    sub failed here\n",
		"=== output of failed test TestBad (p/a)\n    bad_test.go:9: exit 143, want 5\n",
		"=== output of failed package p/b, outside its tests\npanic: in TestMain\n",
		"Tests: 2 passed, 2 failed, 1 skipped\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "=== RUN   TestOK") {
		t.Errorf("report shows a passing test's output:\n%s", got)
	}
}

func TestTail(t *testing.T) {
	var in strings.Builder
	for i := range maxLines + 10 {
		in.WriteString(`{"Action":"output","Package":"p","Test":"T","Output":"line ` + string(rune('a'+i%26)) + "\\n" + `"}` + "\n")
	}
	in.WriteString(`{"Action":"output","Package":"p","Test":"T","Output":"the last line\n"}` + "\n")
	r, err := read(strings.NewReader(in.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := r.tail("p T")
	if !strings.HasPrefix(got, "[11 lines cut]\n") || !strings.HasSuffix(got, "the last line\n") ||
		strings.Count(got, "\n") != maxLines+1 {
		t.Errorf("tail:\n%s", got)
	}
}
