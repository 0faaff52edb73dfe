package localkey_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// FuzzUnwrap hands a key arbitrary stanzas: it must not panic, must answer
// ErrNotMine for any type or key id but its own, and must open only bodies
// it wrapped, never a mutation of one. (Wrapping is randomized and fuzz
// workers are separate processes, so an opened body is checked by what it
// holds: the only data key this target ever wraps.)
func FuzzUnwrap(f *testing.F) {
	k, err := localkey.New(bytes.Repeat([]byte{7}, 32), "file:fuzz")
	if err != nil {
		f.Fatal(err)
	}
	dk := bytes.Repeat([]byte{9}, 32)
	s, err := k.Wrap(context.Background(), dk, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.Type, s.KeyID, s.Body)
	f.Add("file", strings.Repeat("0", 32), []byte{1})
	f.Add("awskms", s.KeyID, s.Body)
	f.Fuzz(func(t *testing.T, typ, keyID string, body []byte) {
		got, err := k.Unwrap(context.Background(), &keyprovider.Stanza{Type: typ, KeyID: keyID, Body: body}, nil)
		mine := typ == localkey.StanzaType && keyID == k.KeyID()
		switch {
		case !mine && !errors.Is(err, keyprovider.ErrNotMine):
			t.Fatalf("stanza %q/%q answered %v, want ErrNotMine", typ, keyID, err)
		case mine && err == nil && !bytes.Equal(got, dk):
			t.Fatal("a body the key did not wrap opened")
		case mine && err != nil && !errors.Is(err, localkey.ErrUnwrap):
			t.Fatalf("own stanza failed with %v, want ErrUnwrap", err)
		}
	})
}

// FuzzPathFromURI: file: URIs never panic, a remote host is never
// accepted, and an accepted URI names a non-empty path.
func FuzzPathFromURI(f *testing.F) {
	for _, s := range []string{"file:k.key", "file:///etc/k.key", "file://localhost/k", "file://host/k",
		"file:", "file:///", "awskms:///alias/x", "file:a b/ c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		p, err := localkey.PathFromURI(uri)
		if err != nil {
			if !errors.Is(err, keyprovider.ErrBadURI) {
				t.Fatalf("%q: error %v does not match ErrBadURI", uri, err)
			}
			return
		}
		if !strings.HasPrefix(uri, "file:") || p == "" || p == "/" {
			t.Fatalf("%q accepted as path %q", uri, p)
		}
		if host, ok := strings.CutPrefix(uri, "file://"); ok {
			if h, _, _ := strings.Cut(host, "/"); h != "" && h != "localhost" {
				t.Fatalf("%q: remote host %q accepted", uri, h)
			}
		}
	})
}
