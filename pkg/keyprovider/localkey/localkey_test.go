package localkey_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

func TestGenerateLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.key")
	k, err := localkey.Generate(path, false)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	var warn bytes.Buffer
	l, err := localkey.Load(path, &keyprovider.Options{Warnings: &warn})
	if err != nil {
		t.Fatal(err)
	}
	if l.KeyID() != k.KeyID() || warn.Len() != 0 {
		t.Fatalf("loaded key id %s, generated %s; warnings %q", l.KeyID(), k.KeyID(), warn.String())
	}
	dk := bytes.Repeat([]byte{9}, 32)
	s, err := k.Wrap(context.Background(), dk, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Unwrap(context.Background(), s, nil)
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("unwrap with the loaded key: %v", err)
	}
}

func TestGenerateNeverClobbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.key")
	first, err := localkey.Generate(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := localkey.Generate(path, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second Generate: %v, want ErrExist", err)
	}
	l, _ := localkey.Load(path, &keyprovider.Options{})
	if l.KeyID() != first.KeyID() {
		t.Fatal("refused Generate still changed the key file")
	}
	second, err := localkey.Generate(path, true)
	if err != nil || second.KeyID() == first.KeyID() {
		t.Fatalf("forced Generate: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".envseal-*")); len(m) != 0 {
		t.Fatalf("temp files left: %v", m)
	}
}

func TestLoadWarnsOnLoosePermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.key")
	if _, err := localkey.Generate(path, false); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o640)
	var warn bytes.Buffer
	if _, err := localkey.Load(path, &keyprovider.Options{Warnings: &warn}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warn.String(), "readable by other users (mode 0640)") {
		t.Fatalf("warning = %q", warn.String())
	}
}

func TestParseRejects(t *testing.T) {
	valid, err := localkey.Marshal(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := localkey.Parse(valid); err != nil {
		t.Fatalf("valid key file: %v", err)
	}
	short, _ := localkey.Marshal(bytes.Repeat([]byte{1}, 32))
	short = bytes.Replace(short, []byte("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="), []byte("AQEB"), 1)
	tests := map[string][]byte{
		"empty":         nil,
		"not pem":       []byte("hello"),
		"other type":    bytes.Replace(valid, []byte("ENVSEAL AES-256 KEY"), []byte("PRIVATE KEY"), 2),
		"short key":     short,
		"trailing data": append(bytes.Clone(valid), []byte("extra")...),
		"pem headers":   bytes.Replace(valid, []byte("KEY-----\n"), []byte("KEY-----\nProc-Type: 4,ENCRYPTED\n\n"), 1),
	}
	for name, data := range tests {
		if _, err := localkey.Parse(data); !errors.Is(err, localkey.ErrKeyFile) {
			t.Errorf("%s: err = %v, want ErrKeyFile", name, err)
		}
	}
}

func TestPathFromURI(t *testing.T) {
	tests := []struct {
		uri, path string
		ok        bool
	}{
		{"file:key.pem", "key.pem", true},
		{"file:./dir/key.pem", "./dir/key.pem", true},
		{"file:/etc/envseal/key.pem", "/etc/envseal/key.pem", true},
		{"file:///etc/envseal/key.pem", "/etc/envseal/key.pem", true},
		{"file://localhost/etc/key.pem", "/etc/key.pem", true},
		{"file://server/etc/key.pem", "", false},
		{"file:", "", false},
		{"file:///", "", false},
		{"awskms:///alias/x", "", false},
	}
	for _, tt := range tests {
		got, err := localkey.PathFromURI(tt.uri)
		if (err == nil) != tt.ok || got != tt.path {
			t.Errorf("PathFromURI(%q) = %q, %v", tt.uri, got, err)
		}
	}
}

func TestUnwrapNotMineVersusTampered(t *testing.T) {
	a, _ := localkey.New(bytes.Repeat([]byte{1}, 32), "file:a")
	b, _ := localkey.New(bytes.Repeat([]byte{2}, 32), "file:b")
	s, err := a.Wrap(context.Background(), make([]byte, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Unwrap(context.Background(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("other key: %v, want ErrNotMine", err)
	}
	other := &keyprovider.Stanza{Type: "awskms", KeyID: a.KeyID(), Body: s.Body}
	if _, err := a.Unwrap(context.Background(), other, nil); !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("other type: %v, want ErrNotMine", err)
	}
	bad := &keyprovider.Stanza{Type: s.Type, KeyID: s.KeyID, Body: bytes.Clone(s.Body)}
	bad.Body[20] ^= 1
	if _, err := a.Unwrap(context.Background(), bad, nil); !errors.Is(err, localkey.ErrUnwrap) {
		t.Errorf("tampered body: %v, want ErrUnwrap", err)
	}
}

// FuzzParse: the key file parser never panics and accepts only 32-byte keys.
func FuzzParse(f *testing.F) {
	valid, _ := localkey.Marshal(bytes.Repeat([]byte{1}, 32))
	f.Add(valid)
	f.Add([]byte("-----BEGIN ENVSEAL AES-256 KEY-----\n-----END ENVSEAL AES-256 KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := localkey.Parse(data)
		if err == nil && len(k) != 32 {
			t.Fatalf("accepted a %d-byte key", len(k))
		}
	})
}

// TestGenerateErrorsNameThePath: the temp file that Generate writes first
// is an implementation detail; errors name the key file asked for.
func TestGenerateErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.key")
	if _, err := localkey.Generate(exists, false); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		force      bool
		want       string
	}{
		{"missing dir", filepath.Join(dir, "nope", "k"), false, "open " + filepath.Join(dir, "nope", "k") + ": no such file or directory"},
		{"exists", exists, false, "open " + exists + ": file exists"},
		{"directory", dir, false, "open " + dir + ": file exists"},
		{"directory with force", dir, true, "open " + dir + ": is a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := localkey.Generate(tt.path, tt.force)
			if err == nil || !strings.HasSuffix(err.Error(), tt.want) || strings.Contains(err.Error(), ".envseal-key-") {
				t.Fatalf("Generate(%s) = %v, want an error ending %q", tt.path, err, tt.want)
			}
		})
	}
}
