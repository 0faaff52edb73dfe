package awskms_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

var plaintext = bytes.Repeat([]byte("envseal payload "), 3000) // several chunks

func TestSealOpenRoundTrip(t *testing.T) {
	srv := testkms.Get(t)
	encCtx := map[string]string{"app": "billing", "env": "prod"}
	var rec testkms.Recorder
	sealer := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	file := sealtest.Seal(t, plaintext, encCtx, sealer)

	if n := rec.Count("GenerateDataKey"); n != 1 {
		t.Errorf("%d GenerateDataKey calls, want 1", n)
	}
	if n := len(rec.Calls()); n != 1 {
		t.Errorf("sealing sent %d requests, want 1: %v", n, rec.Calls())
	}
	st := stanzas(t, file)
	if len(st) != 1 || st[0].Type != awskms.StanzaType || st[0].KeyID != testkms.DemoKeyARN {
		t.Fatalf("stanza = %s %s, want awskms %s", st[0].Type, st[0].KeyID, testkms.DemoKeyARN)
	}
	// The same file opens with every way of naming the key, in a fresh
	// process state (new Key), with or without the endpoint in the URI.
	for _, uri := range []string{
		srv.URI(testkms.DemoAlias),
		"awskms:///" + testkms.DemoAlias,
		"awskms:///" + testkms.DemoKeyID,
		"awskms:///" + testkms.DemoKeyARN,
		"awskms:///arn:aws:kms:" + testkms.Region + ":" + testkms.AccountID + ":" + testkms.DemoAlias,
	} {
		t.Run(uri, func(t *testing.T) { mustOpen(t, file, plaintext, openKey(t, uri)) })
	}
	// Through the registry, as the CLI opens keys.
	k, err := keyprovider.Open(t.Context(), "awskms:///"+testkms.DemoAlias, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustOpen(t, file, plaintext, k.(keyprovider.Unwrapper))
}

// Two KMS recipients and a local break-glass key: one GenerateDataKey, one
// Encrypt, and each key opens the file alone.
func TestKMSAndLocalRecipients(t *testing.T) {
	srv := testkms.Get(t)
	var rec testkms.Recorder
	demo := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	second := openKey(t, "awskms:///"+newKey(t), rec.Option())
	local, err := localkey.Generate(filepath.Join(t.TempDir(), "break-glass.key"), false)
	if err != nil {
		t.Fatal(err)
	}
	encCtx := map[string]string{"purpose": "multi"}
	file := sealtest.Seal(t, plaintext, encCtx, demo, second, local)

	if g, e := rec.Count("GenerateDataKey"), rec.Count("Encrypt"); g != 1 || e != 1 {
		t.Errorf("GenerateDataKey %d, Encrypt %d: want 1 and 1 (calls %v)", g, e, rec.Calls())
	}
	st := stanzas(t, file)
	if len(st) != 3 || st[0].KeyID != testkms.DemoKeyARN || st[1].KeyID != second.KeyID() ||
		st[2].Type != localkey.StanzaType {
		t.Fatalf("stanzas: %v %v %v", st[0], st[1], st[2])
	}
	for name, id := range map[string]keyprovider.Unwrapper{
		"demo":   openKey(t, srv.URI(testkms.DemoAlias)),
		"second": openKey(t, "awskms:///"+second.KeyID()),
		"local":  local,
	} {
		t.Run(name, func(t *testing.T) { mustOpen(t, file, plaintext, id) })
	}
}

// The context is bound twice: KMS refuses to unwrap under another context,
// and a local key (which has no KMS to ask) trips the header MAC.
func TestWrongContextRejected(t *testing.T) {
	srv := testkms.Get(t)
	k := openKey(t, srv.URI(testkms.DemoAlias))
	local, err := localkey.Generate(filepath.Join(t.TempDir(), "k"), false)
	if err != nil {
		t.Fatal(err)
	}
	file := sealtest.Seal(t, plaintext, map[string]string{"env": "prod"}, k, local)
	changed := editHeader(t, file, func(h *envelope.Header) { h.Context["env"] = "dev" })

	_, err = sealtest.Open(t.Context(), changed, nil, k)
	wantKind(t, err, awskms.ErrInvalidCiphertext)
	_, err = sealtest.Open(t.Context(), changed, nil, local)
	if !errors.Is(err, envelope.ErrHeaderMAC) {
		t.Errorf("local key on changed context: %v, want ErrHeaderMAC", err)
	}

	// Directly: the right stanza with a context missing a pair.
	_, err = k.Unwrap(t.Context(), stanzas(t, file)[0], map[string]string{})
	wantKind(t, err, awskms.ErrInvalidCiphertext)
}

func TestTamperedWrappedKeyRejected(t *testing.T) {
	srv := testkms.Get(t)
	k := openKey(t, srv.URI(testkms.DemoAlias))
	file := sealtest.Seal(t, plaintext, map[string]string{"a": "b"}, k)
	// Flip a bit of the blob's authentication tag. (local-kms does not
	// authenticate the key reference at the start of its blobs, as AWS
	// does, so a flip there would go unnoticed by the server; the header
	// MAC would still catch it.)
	tampered := editHeader(t, file, func(h *envelope.Header) {
		b := h.Stanzas[0].Body
		b[len(b)-1] ^= 1
	})
	got, err := sealtest.Open(t.Context(), tampered, nil, k)
	e := wantKind(t, err, awskms.ErrInvalidCiphertext)
	if got != nil {
		t.Error("plaintext released")
	}
	if e.Key != testkms.DemoKeyARN {
		t.Errorf("error names key %q, want the stanza's ARN", e.Key)
	}
}

// An alias is resolved once per Key, and stanzas of other keys cost no
// Decrypt.
func TestAliasResolvedOnce(t *testing.T) {
	srv := testkms.Get(t)
	other := openKey(t, "awskms:///"+newKey(t))
	demoFile := sealtest.Seal(t, plaintext, nil, openKey(t, srv.URI(testkms.DemoAlias)))
	otherFile := sealtest.Seal(t, plaintext, nil, other)

	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	for range 3 {
		mustOpen(t, demoFile, plaintext, k)
	}
	_, err := sealtest.Open(t.Context(), otherFile, nil, k)
	var nm *envelope.NoMatchError
	if !errors.As(err, &nm) {
		t.Fatalf("other key's file: %v, want NoMatchError", err)
	}
	if d, dec := rec.Count("DescribeKey"), rec.Count("Decrypt"); d != 1 || dec != 3 {
		t.Errorf("DescribeKey %d, Decrypt %d: want 1 and 3 (%v)", d, dec, rec.Calls())
	}
	arn, err := k.ARN(t.Context())
	if err != nil || arn != testkms.DemoKeyARN {
		t.Errorf("ARN() = %q, %v", arn, err)
	}
}

// Stanzas that are not this key's are ErrNotMine, without a request, for
// keys named by ARN or key id.
func TestNotMine(t *testing.T) {
	srv := testkms.Get(t)
	body := []byte{1, 2, 3}
	otherARN := "arn:aws:kms:" + testkms.Region + ":" + testkms.AccountID + ":key/" + keyID
	stanzas := map[string]*keyprovider.Stanza{
		"other type":       {Type: "file", KeyID: testkms.DemoKeyARN, Body: body},
		"other key":        {Type: awskms.StanzaType, KeyID: otherARN, Body: body},
		"alias ARN":        {Type: awskms.StanzaType, KeyID: "arn:aws:kms:us-east-1:111122223333:alias/Demo", Body: body},
		"bare key id":      {Type: awskms.StanzaType, KeyID: testkms.DemoKeyID, Body: body},
		"not an ARN":       {Type: awskms.StanzaType, KeyID: "garbage", Body: body},
		"other account":    {Type: awskms.StanzaType, KeyID: "arn:aws:kms:us-east-1:999999999999:key/" + keyID, Body: body},
		"uppercase key id": {Type: awskms.StanzaType, KeyID: "arn:aws:kms:us-east-1:111122223333:key/0B2BA0B4-6F7C-4A3E-9D1F-3C5E2A7D8F10", Body: body},
	}
	for _, uri := range []string{srv.URI(testkms.DemoKeyARN), srv.URI(testkms.DemoKeyID)} {
		var rec testkms.Recorder
		k := openKey(t, uri, rec.Option())
		for name, s := range stanzas {
			if _, err := k.Unwrap(t.Context(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
				t.Errorf("%s, %s: %v, want ErrNotMine", uri, name, err)
			}
		}
		if calls := rec.Calls(); len(calls) != 0 {
			t.Errorf("%s: requests sent: %v", uri, calls)
		}
	}
}

// A key named by bare key id is this region's and account's key: a stanza
// whose ARN ends in the same id but names another account or region is
// not mine, and no Decrypt goes to that ARN. Otherwise the file would pick
// where the caller's credentials are used. The real stanza still opens,
// after one DescribeKey that resolves the id.
func TestKeyIDIsNotAnyAccountOrRegion(t *testing.T) {
	srv := testkms.Get(t)
	file := sealtest.Seal(t, plaintext, nil, openKey(t, srv.URI(testkms.DemoAlias)))
	body := stanzas(t, file)[0].Body
	foreign := map[string]string{
		"other region":  "arn:aws:kms:ap-south-1:" + testkms.AccountID + ":key/" + testkms.DemoKeyID,
		"other account": "arn:aws:kms:" + testkms.Region + ":999999999999:key/" + testkms.DemoKeyID,
		"other both":    "arn:aws:kms:eu-west-1:999999999999:key/" + testkms.DemoKeyID,
	}
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoKeyID), rec.Option())
	for name, arn := range foreign {
		s := &keyprovider.Stanza{Type: awskms.StanzaType, KeyID: arn, Body: body}
		if _, err := k.Unwrap(t.Context(), s, nil); !errors.Is(err, keyprovider.ErrNotMine) {
			t.Errorf("%s: %v, want ErrNotMine", name, err)
		}
	}
	if n := rec.Count("Decrypt"); n != 0 {
		t.Errorf("%d Decrypt requests for foreign stanzas: %v", n, rec.Calls())
	}
	mustOpen(t, file, plaintext, k)
	if d, dec := rec.Count("DescribeKey"), rec.Count("Decrypt"); d != 1 || dec != 1 {
		t.Errorf("DescribeKey %d, Decrypt %d: want 1 and 1 (%v)", d, dec, rec.Calls())
	}
}
