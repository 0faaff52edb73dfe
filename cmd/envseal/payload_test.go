package main

import (
	"bufio"
	"bytes"
	"io"
	"os"

	"github.com/envseal/envseal/pkg/armor"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/rogpeppe/go-internal/testscript"
)

// samepayload A B asserts that two envelope files (binary or armored) have
// byte-identical payloads after their headers: what rewrap must preserve.
func cmdSamepayload(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: samepayload a b")
	}
	a, b := payloadOf(ts, args[0]), payloadOf(ts, args[1])
	if same := bytes.Equal(a, b); same == neg {
		ts.Fatalf("payloads equal: %v (%d and %d bytes)", same, len(a), len(b))
	}
}

func payloadOf(ts *testscript.TestScript, name string) []byte {
	_, src, done := parseEnvelope(ts, name)
	defer done()
	p, err := io.ReadAll(src)
	ts.Check(err)
	return p
}

// parseEnvelope opens an envelope file, binary or armored, and parses its
// header; src reads on from the payload. done closes the file.
func parseEnvelope(ts *testscript.TestScript, name string) (h *envelope.Header, src io.Reader, done func()) {
	f, err := os.Open(ts.MkAbs(name))
	ts.Check(err)
	br := bufio.NewReaderSize(f, armor.SniffSize)
	src = br
	if armor.IsArmored(br) {
		src = bufio.NewReader(armor.NewReader(br))
	}
	h, err = envelope.Parse(src)
	ts.Check(err)
	return h, src, func() { f.Close() }
}

// sameheader A B asserts that two envelope files (binary or armored) have
// byte-identical headers (stanzas and MAC included): what edit keeps
// unless --rotate-data-key.
func cmdSameheader(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sameheader a b")
	}
	a, b := headerOf(ts, args[0]), headerOf(ts, args[1])
	if same := bytes.Equal(a, b); same == neg {
		ts.Fatalf("headers equal: %v (%d and %d bytes)", same, len(a), len(b))
	}
}

func headerOf(ts *testscript.TestScript, name string) []byte {
	h, _, done := parseEnvelope(ts, name)
	defer done()
	b, err := h.Marshal()
	ts.Check(err)
	return b
}
