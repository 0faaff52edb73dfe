package main

import (
	"os"
	"strconv"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/rogpeppe/go-internal/testscript"
)

// stanzabody FILE N OUT writes the body of stanza N (from 0) of the
// envelope FILE to OUT, so that another program (age -d) can read it.
func cmdStanzabody(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: stanzabody file n out")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	h, err := envelope.Parse(f)
	ts.Check(err)
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	if n < 0 || n >= len(h.Stanzas) {
		ts.Fatalf("file has %d stanzas", len(h.Stanzas))
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), h.Stanzas[n].Body, 0o600))
}
