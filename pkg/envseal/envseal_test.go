package envseal_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
)

type keys struct {
	w keyprovider.Wrapper
	u keyprovider.Unwrapper
}

func newKeys(t *testing.T, name string) keys {
	t.Helper()
	k, err := envseal.Key(context.Background(), newKeyFile(t.Name()+"-"+name))
	if err != nil {
		t.Fatal(err)
	}
	return keys{k.(keyprovider.Wrapper), k.(keyprovider.Unwrapper)}
}

func seal(t *testing.T, plain string, opts *envseal.SealOptions, to ...keys) []byte {
	t.Helper()
	var ws []keyprovider.Wrapper
	for _, k := range to {
		ws = append(ws, k.w)
	}
	var buf bytes.Buffer
	if err := envseal.Seal(context.Background(), &buf, strings.NewReader(plain), ws, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(file []byte, opts *envseal.OpenOptions, with ...keys) (string, error) {
	var us []keyprovider.Unwrapper
	for _, k := range with {
		us = append(us, k.u)
	}
	var out bytes.Buffer
	err := envseal.Open(context.Background(), &out, bytes.NewReader(file), us, opts)
	return out.String(), err
}

func TestOpen(t *testing.T) {
	a, b := newKeys(t, "a"), newKeys(t, "b")
	plain := strings.Repeat("x", 40000)
	binary := seal(t, plain, &envseal.SealOptions{Context: map[string]string{"env": "prod"}}, a)
	armored := seal(t, plain, &envseal.SealOptions{Armor: true}, a)
	tests := []struct {
		name    string
		file    []byte
		opts    *envseal.OpenOptions
		with    keys
		wantErr func(error) bool
	}{
		{"binary", binary, nil, a, nil},
		{"required context", binary, &envseal.OpenOptions{Context: map[string]string{"env": "prod"}}, a, nil},
		{"armored", armored, nil, a, nil},
		{"wrong key", binary, nil, b, func(err error) bool {
			var nm *envelope.NoMatchError
			return errors.As(err, &nm)
		}},
		{"context mismatch", binary, &envseal.OpenOptions{Context: map[string]string{"env": "dev"}}, a, func(err error) bool {
			var ce *envelope.ContextError
			return errors.As(err, &ce)
		}},
		{"truncated", binary[:len(binary)-1], nil, a, func(err error) bool { return err != nil }},
		{"extended", append(bytes.Clone(binary), 0), nil, a, func(err error) bool { return err != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := open(tt.file, tt.opts, tt.with)
			if tt.wantErr == nil {
				if err != nil || got != plain {
					t.Fatalf("Open = %d bytes, %v; want the plaintext", len(got), err)
				}
				return
			}
			if !tt.wantErr(err) {
				t.Fatalf("Open error = %v, not the expected kind", err)
			}
		})
	}
}

func TestDecryptRangeArmored(t *testing.T) {
	a := newKeys(t, "a")
	file := seal(t, "text", &envseal.SealOptions{Armor: true}, a)
	_, _, err := envseal.DecryptRange(context.Background(), bytes.NewReader(file), int64(len(file)), []keyprovider.Unwrapper{a.u}, nil)
	if !errors.Is(err, envseal.ErrArmored) {
		t.Fatalf("DecryptRange on armor = %v, want ErrArmored", err)
	}
}

func TestInspect(t *testing.T) {
	a, b := newKeys(t, "a"), newKeys(t, "b")
	file := seal(t, strings.Repeat("y", 20000), &envseal.SealOptions{Context: map[string]string{"app": "db"}}, a, b)
	info, err := envseal.Inspect(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Recipients) != 2 || info.Context["app"] != "db" || !info.LengthConsistent ||
		info.PlaintextBytes != 20000 || info.Chunks != 2 || info.Armored {
		t.Fatalf("Inspect = %+v", info)
	}
	if info.HeaderBytes+info.PayloadBytes != int64(len(file)) {
		t.Fatalf("header %d + payload %d != file %d", info.HeaderBytes, info.PayloadBytes, len(file))
	}
	info, err = envseal.Inspect(bytes.NewReader(file[:info.HeaderBytes+10]))
	if err != nil || info.LengthConsistent {
		t.Fatalf("Inspect of a truncated file = %+v, %v; want an inconsistent length", info, err)
	}
}

func TestRewrap(t *testing.T) {
	a, b, c := newKeys(t, "a"), newKeys(t, "b"), newKeys(t, "c")
	file := seal(t, "payload", &envseal.SealOptions{Armor: true}, a, b)
	info, err := envseal.Inspect(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	idA, idB := info.Recipients[0].KeyID, info.Recipients[1].KeyID
	rewrap := func(opts *envseal.RewrapOptions) ([]byte, error) {
		var out bytes.Buffer
		err := envseal.Rewrap(context.Background(), &out, bytes.NewReader(file), []keyprovider.Unwrapper{a.u}, opts)
		return out.Bytes(), err
	}

	out, err := rewrap(&envseal.RewrapOptions{Add: []keyprovider.Wrapper{c.w}, Remove: []string{idA}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		name string
		k    keys
		ok   bool
	}{{"removed", a, false}, {"kept", b, true}, {"added", c, true}} {
		got, err := open(out, nil, k.k)
		if (err == nil) != k.ok || (k.ok && got != "payload") {
			t.Errorf("%s key: Open = %q, %v", k.name, got, err)
		}
	}
	if !bytes.HasPrefix(out, []byte("-----BEGIN ENVSEAL")) {
		t.Error("rewrap of an armored file is not armored")
	}

	var unknown *envseal.UnknownKeyIDError
	if _, err := rewrap(&envseal.RewrapOptions{Remove: []string{"nope"}}); !errors.As(err, &unknown) || unknown.KeyID != "nope" {
		t.Errorf("removing an unknown key id: %v, want an UnknownKeyIDError for it", err)
	}
	if _, err := rewrap(&envseal.RewrapOptions{Remove: []string{idA, idB}}); !errors.Is(err, envseal.ErrNoRecipients) {
		t.Errorf("removing every recipient: %v, want ErrNoRecipients", err)
	}
	if _, err := rewrap(&envseal.RewrapOptions{Add: []keyprovider.Wrapper{c.w}}); err != nil {
		t.Errorf("adding only: %v", err)
	}
	if _, err := rewrap(nil); err != nil {
		t.Errorf("Rewrap with nil options (a re-MAC, no change): %v", err)
	}
	h, err := envelope.Parse(bytes.NewReader(seal(t, "x", nil, a)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := envseal.RewrapHeader(context.Background(), h, make([]byte, envelope.PayloadPrefixSize), []keyprovider.Unwrapper{a.u}, nil); err == nil {
		t.Error("RewrapHeader with nil options and a zero payload prefix succeeded")
	}
}

// failingRewrapper is a Rewrapper whose key service refuses to re-wrap, a
// fault no local key can produce on demand.
type failingRewrapper struct {
	keyprovider.Wrapper
	err   error
	calls int
}

func (f *failingRewrapper) Rewrap(context.Context, *keyprovider.Stanza, map[string]string) (*keyprovider.Stanza, error) {
	f.calls++
	return nil, f.err
}

func TestRewrapFallBack(t *testing.T) {
	a, c := newKeys(t, "a"), newKeys(t, "c")
	file := seal(t, "payload", nil, a)
	denied := errors.New("access denied")
	tests := []struct {
		name     string
		err      error
		fallBack func(error) bool
		ok       bool
	}{
		{"not mine wraps", keyprovider.ErrNotMine, nil, true},
		{"failure without FallBack fails", denied, nil, false},
		{"FallBack true wraps", denied, func(err error) bool { return errors.Is(err, denied) }, true},
		{"FallBack false fails", denied, func(error) bool { return false }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rw := &failingRewrapper{Wrapper: c.w, err: tt.err}
			var out bytes.Buffer
			err := envseal.Rewrap(context.Background(), &out, bytes.NewReader(file), []keyprovider.Unwrapper{a.u},
				&envseal.RewrapOptions{Add: []keyprovider.Wrapper{rw}, FallBack: tt.fallBack})
			if rw.calls != 1 {
				t.Fatalf("Rewrap called %d times, want 1", rw.calls)
			}
			if (err == nil) != tt.ok {
				t.Fatalf("Rewrap = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok {
				if got, err := open(out.Bytes(), nil, c); err != nil || got != "payload" {
					t.Fatalf("the wrapped-instead stanza does not open: %q, %v", got, err)
				}
			}
		})
	}
}

func TestEncryptUnclosedIsTruncated(t *testing.T) {
	a := newKeys(t, "a")
	var buf bytes.Buffer
	w, err := envseal.Encrypt(context.Background(), &buf, []keyprovider.Wrapper{a.w}, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, strings.Repeat("z", 70000))
	if _, err := open(buf.Bytes(), nil, a); err == nil {
		t.Fatal("a file whose writer was never closed opened without error")
	}
}
