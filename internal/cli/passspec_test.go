package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReadPassphrase(t *testing.T) {
	dir := t.TempDir()
	pf := filepath.Join(dir, "pw")
	if err := os.WriteFile(pf, []byte("from file\r\nsecond line"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LEGACY_TEST_PW", "from env")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("from fd\nrest stays in the pipe"))
	w.Close()
	defer r.Close()
	ios := &IOStreams{In: strings.NewReader("from stdin\n"), ErrOut: &bytes.Buffer{}}
	for spec, want := range map[string]string{
		"pass:file:///./datakey":          "file:///./datakey",
		"pass:":                           "",
		"env:LEGACY_TEST_PW":              "from env",
		"file:" + pf:                      "from file\r", // openssl keeps the \r
		"fd:" + strconv.Itoa(int(r.Fd())): "from fd",
		"stdin":                           "from stdin",
		"pass:with:colons and spaces ...": "with:colons and spaces ...",
	} {
		got, err := readPassphrase(context.Background(), ios, spec, "", "in.enc")
		if err != nil || string(got) != want {
			t.Errorf("%q: got %q, %v; want %q", spec, got, err, want)
		}
	}
}

func TestReadPassphraseRefused(t *testing.T) {
	ios := &IOStreams{In: strings.NewReader(""), ErrOut: &bytes.Buffer{}}
	for spec, usage := range map[string]bool{
		"hunter2":               true,
		"":                      true,
		"prompt:x":              true,
		"env:LEGACY_TEST_UNSET": true,
		"fd:x":                  true,
		"file:/nonexistent/pw":  false,
		"stdin":                 true, // the input is stdin too
	} {
		_, err := readPassphrase(context.Background(), ios, spec, "", "-")
		var ue *UsageError
		if err == nil || errors.As(err, &ue) != usage {
			t.Errorf("%q: got %v, want a usage error: %v", spec, err, usage)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the error echoes the spec", spec)
		}
	}
}
