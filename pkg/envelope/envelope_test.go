package envelope_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

func newKey(t testing.TB, seed byte) *localkey.Key {
	t.Helper()
	kek := bytes.Repeat([]byte{seed}, 32)
	k, err := localkey.New(kek, "file:test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTripMultipleRecipients(t *testing.T) {
	a, b, c := newKey(t, 1), newKey(t, 2), newKey(t, 3)
	p := bytes.Repeat([]byte("secret "), 5000)
	ctx := map[string]string{"app": "billing", "env": "prod"}
	file := sealtest.Seal(t, p, ctx, a, b)
	for name, id := range map[string]*localkey.Key{"first": a, "second": b} {
		got, err := sealtest.Open(context.Background(), file, ctx, id)
		if err != nil || !bytes.Equal(got, p) {
			t.Errorf("%s recipient: %v", name, err)
		}
	}
	_, err := sealtest.Open(context.Background(), file, nil, c)
	var nm *envelope.NoMatchError
	if !errors.As(err, &nm) || len(nm.Stanzas) != 2 {
		t.Fatalf("non-recipient: err = %v, want NoMatchError listing 2 stanzas", err)
	}
}

func TestRequiredContext(t *testing.T) {
	k := newKey(t, 1)
	file := sealtest.Seal(t, []byte("x"), map[string]string{"env": "prod", "app": "a"}, k)
	tests := []struct {
		name     string
		required map[string]string
		ok       bool
	}{
		{"none", nil, true},
		{"subset", map[string]string{"env": "prod"}, true},
		{"all", map[string]string{"env": "prod", "app": "a"}, true},
		{"different value", map[string]string{"env": "dev"}, false},
		{"missing key", map[string]string{"team": "x"}, false},
	}
	for _, tt := range tests {
		_, err := sealtest.Open(context.Background(), file, tt.required, k)
		var ce *envelope.ContextError
		if tt.ok != (err == nil) || (!tt.ok && !errors.As(err, &ce)) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func TestHeaderTamperingRejected(t *testing.T) {
	k := newKey(t, 1)
	p := bytes.Repeat([]byte{7}, 3*stream.ChunkSize)
	file := sealtest.Seal(t, p, map[string]string{"k": "v"}, k)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(0); i < h.Size()+stream.PrefixSize; i++ {
		bad := bytes.Clone(file)
		bad[i] ^= 0x20
		got, err := sealtest.Open(context.Background(), bad, nil, k)
		if err == nil || len(got) != 0 {
			t.Fatalf("header byte %d flipped: err = %v, released %d bytes", i, err, len(got))
		}
	}
}

// stanzaOnly is a Wrapper that writes a stanza of a type nobody reads.
type stanzaOnly struct{}

func (stanzaOnly) Wrap(context.Context, []byte, map[string]string) (*keyprovider.Stanza, error) {
	return &keyprovider.Stanza{Type: "future-kms", KeyID: "k1", Body: []byte{1, 2, 3}}, nil
}

func TestUnknownStanzaSkipped(t *testing.T) {
	k := newKey(t, 1)
	file := sealtest.Seal(t, []byte("hello"), nil, stanzaOnly{}, k)
	got, err := sealtest.Open(context.Background(), file, nil, k)
	if err != nil || string(got) != "hello" {
		t.Fatalf("open with an unknown stanza first: %q, %v", got, err)
	}
}

// UnwrapDataKey names the stanza that opened the file, which rewrap hands
// to a key service to re-encrypt: it must be the identity's own stanza,
// not the first one in the file.
func TestUnwrapDataKeyNamesStanza(t *testing.T) {
	a, b := newKey(t, 1), newKey(t, 2)
	file := sealtest.Seal(t, []byte("x"), nil, stanzaOnly{}, a, b)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []keyprovider.Unwrapper{a, b} {
		dk, from, err := h.UnwrapDataKey(context.Background(), []keyprovider.Unwrapper{id})
		if err != nil {
			t.Fatal(err)
		}
		if from != h.Stanzas[i+1] {
			t.Errorf("key %d: got stanza %+v, want stanza %d", i, from, i+1)
		}
		if got, err := id.Unwrap(context.Background(), from, h.Context); err != nil || !bytes.Equal(got, dk) {
			t.Errorf("key %d: the stanza does not hold the data key (%v)", i, err)
		}
	}
}

// rewrapInputs is what a rewrap of file from key a to key b starts from:
// the parsed header, the data key, b's new stanza and the payload prefix.
func rewrapInputs(t *testing.T, file []byte, a keyprovider.Unwrapper, b keyprovider.Wrapper) (*envelope.Header, []byte, *keyprovider.Stanza, []byte) {
	t.Helper()
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{a})
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Wrap(context.Background(), dk, h.Context)
	if err != nil {
		t.Fatal(err)
	}
	return h, dk, s, file[h.Size() : h.Size()+envelope.PayloadPrefixSize]
}

func TestStanzasChangeWithoutTouchingPayload(t *testing.T) {
	// The payload key derivation covers only the fixed fields, so a header
	// with other stanzas (re-MACed) must still open the same payload.
	a, b := newKey(t, 1), newKey(t, 2)
	file := sealtest.Seal(t, []byte("payload"), map[string]string{"x": "y"}, a)
	h, dk, s, prefix := rewrapInputs(t, file, a, b)
	h2, err := envelope.Rewrap(h, dk, []*keyprovider.Stanza{s}, prefix)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := h2.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	rewrapped := append(hdr, file[h.Size():]...)
	if got, err := sealtest.Open(context.Background(), rewrapped, nil, b); err != nil || string(got) != "payload" {
		t.Fatalf("new recipient: %q, %v", got, err)
	}
	if _, err := sealtest.Open(context.Background(), rewrapped, nil, a); err == nil {
		t.Fatal("removed recipient still opens the file")
	}
}

func TestParseErrors(t *testing.T) {
	valid := sealtest.Seal(t, []byte("x"), nil, newKey(t, 1))
	var uv *envelope.UnsupportedVersionError
	tests := []struct {
		name  string
		input []byte
		check func(error) bool
	}{
		{"empty", nil, func(e error) bool { return errors.Is(e, envelope.ErrNotEnvelope) }},
		{"text", []byte("hello world, not sealed"), func(e error) bool { return errors.Is(e, envelope.ErrNotEnvelope) }},
		{"openssl", []byte("Salted__12345678abcdefgh"), func(e error) bool { return errors.Is(e, envelope.ErrLegacyOpenSSL) }},
		{"version 3", append([]byte("ENVSEAL\x03\x01"), valid[9:]...), func(e error) bool { return errors.As(e, &uv) }},
		{"algorithm 9", append([]byte("ENVSEAL\x01\x09"), valid[9:]...), func(e error) bool { return errors.As(e, &uv) }},
		{"header cut", valid[:20], func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"too many pairs", []byte("ENVSEAL\x01\x01\x41"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"zero stanzas", []byte("ENVSEAL\x01\x01\x00\x00"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"too many stanzas", []byte("ENVSEAL\x01\x01\x00\x41"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"empty key", []byte("ENVSEAL\x01\x01\x01\x00"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"unsorted keys", []byte("ENVSEAL\x01\x01\x02\x01b\x00\x00\x01a\x00\x00"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"duplicate keys", []byte("ENVSEAL\x01\x01\x02\x01a\x00\x00\x01a\x00\x00"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"value too long", []byte("ENVSEAL\x01\x01\x01\x01a\x10\x01"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"control in key", []byte("ENVSEAL\x01\x01\x01\x01\n\x00\x00"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"bad stanza type", []byte("ENVSEAL\x01\x01\x00\x01\x01A"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"empty body", []byte("ENVSEAL\x01\x01\x00\x01\x01a\x00\x00\x00\x00"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"body too long", []byte("ENVSEAL\x01\x01\x00\x01\x01a\x00\x00\x20\x01"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
		{"key id too long", []byte("ENVSEAL\x01\x01\x00\x01\x01a\x08\x01"), func(e error) bool { return errors.Is(e, envelope.ErrMalformed) }},
	}
	for _, tt := range tests {
		_, err := envelope.Parse(bytes.NewReader(tt.input))
		if err == nil || !tt.check(err) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func TestInvalidContextRefusedWhenSealing(t *testing.T) {
	k := newKey(t, 1)
	for _, c := range []map[string]string{
		{"": "v"},
		{"a=b": "v"},
		{"k": "line\nbreak"},
		{"k": string(bytes.Repeat([]byte("v"), envelope.MaxContextValue+1))},
	} {
		if _, err := envelope.Encrypt(context.Background(), io.Discard, []keyprovider.Wrapper{k}, c); !errors.Is(err, envelope.ErrMalformed) {
			t.Errorf("context %q: err = %v", c, err)
		}
	}
}

func TestDecryptAt(t *testing.T) {
	k := newKey(t, 1)
	p := bytes.Repeat([]byte("0123456789abcdef"), 5000)
	file := sealtest.Seal(t, p, map[string]string{"a": "b"}, k)
	_, ra, _, err := envelope.DecryptAt(context.Background(), bytes.NewReader(file), int64(len(file)), []keyprovider.Unwrapper{k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1000)
	if _, err := ra.ReadAt(buf, 40000); err != nil || !bytes.Equal(buf, p[40000:41000]) {
		t.Fatalf("ReadAt: %v", err)
	}
}

// Rewrap makes a header that vouches for the payload after it, so it must
// refuse a payload whose key commitment is not the data key's: one spliced
// from another file sealed to the same key and context, or corrupted.
func TestRewrapChecksCommitment(t *testing.T) {
	a, b := newKey(t, 1), newKey(t, 2)
	ctx := map[string]string{"x": "y"}
	file := sealtest.Seal(t, []byte("payload"), ctx, a)
	other := sealtest.Seal(t, []byte("another"), ctx, a)
	h, dk, s, prefix := rewrapInputs(t, file, a, b)
	if _, err := envelope.Rewrap(h, dk, []*keyprovider.Stanza{s}, prefix); err != nil {
		t.Fatalf("own payload: %v", err)
	}
	oh, err := envelope.Parse(bytes.NewReader(other))
	if err != nil {
		t.Fatal(err)
	}
	spliced := other[oh.Size() : oh.Size()+envelope.PayloadPrefixSize]
	for name, p := range map[string][]byte{
		"spliced":         spliced,
		"commitment flip": flip(prefix, stream.SaltSize),
		"last byte flip":  flip(prefix, envelope.PayloadPrefixSize-1),
		"salt flip":       flip(prefix, 0),
		"short":           prefix[:envelope.PayloadPrefixSize-1],
		"empty":           nil,
	} {
		nh, err := envelope.Rewrap(h, dk, []*keyprovider.Stanza{s}, p)
		if err == nil || nh != nil {
			t.Errorf("%s: Rewrap accepted the payload", name)
		}
	}
	if _, err := envelope.Rewrap(h, dk, []*keyprovider.Stanza{s}, spliced); !errors.Is(err, stream.ErrCommitment) {
		t.Errorf("spliced: err = %v, want ErrCommitment", err)
	}
}

// countingKey is an Unwrapper for stanzas of type "counted" with key id
// "mine" that always fails, like a KMS key whose Decrypt refuses a forged
// stanza; it counts the calls that would have gone to the key service.
type countingKey struct{ calls int }

func (c *countingKey) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if s.Type != "counted" || s.KeyID != "mine" {
		return nil, keyprovider.ErrNotMine
	}
	c.calls++
	return nil, errors.New("decrypt refused")
}

// forged writes a stanza that countingKey claims and fails on.
type forged struct{}

func (forged) Wrap(context.Context, []byte, map[string]string) (*keyprovider.Stanza, error) {
	return &keyprovider.Stanza{Type: "counted", KeyID: "mine", Body: []byte{1}}, nil
}

// A hostile file with every stanza naming the user's key must cost one
// unwrap per identity, not one per stanza, and must not stop the other
// identities from opening a stanza of their own.
func TestUnwrapAttemptsBounded(t *testing.T) {
	envelope.AllowDuplicateStanzas(t)
	a := newKey(t, 1)
	ws := make([]keyprovider.Wrapper, envelope.MaxStanzas)
	for i := range ws {
		ws[i] = forged{}
	}
	file := sealtest.Seal(t, []byte("x"), nil, ws...)
	h, err := envelope.Parse(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	c := &countingKey{}
	if _, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{c}); err == nil || !strings.Contains(err.Error(), "decrypt refused") {
		t.Fatalf("err = %v, want the unwrap failure", err)
	}
	if c.calls != 1 {
		t.Fatalf("%d unwrap calls for %d stanzas with one key id, want 1", c.calls, envelope.MaxStanzas)
	}

	ws[len(ws)-1] = a
	file = sealtest.Seal(t, []byte("x"), nil, ws...)
	c = &countingKey{}
	got, err := sealtest.Open(context.Background(), file, nil, c, a)
	if err != nil || string(got) != "x" {
		t.Fatalf("the other identity's stanza: %q, %v", got, err)
	}
	if c.calls != 1 {
		t.Fatalf("%d unwrap calls, want 1", c.calls)
	}
}
