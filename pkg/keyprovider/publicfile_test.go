package keyprovider_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// toyKey is the key the "toypub" backend below opens: just its URI.
type toyKey struct{ uri string }

func (k toyKey) URI() string { return k.uri }

// A backend with bare recipient strings ("toy1...") and an alias, as age
// and its "ssh" scheme are, registered once for the tests in this file.
func init() {
	keyprovider.Register(keyprovider.Backend{
		Scheme:  "toypub",
		Aliases: []string{"toyalias"},
		Bare:    func(s string) bool { return strings.HasPrefix(s, "toy1") && !strings.ContainsAny(s, " /") },
		Open: func(_ context.Context, uri string, _ *keyprovider.Options) (keyprovider.Key, error) {
			return toyKey{uri}, nil
		},
	})
}

func TestPublicFileRoundTrip(t *testing.T) {
	in := []*keyprovider.PublicKey{
		{Scheme: "toypub", Line: "toy1abc", Comment: "a recipient line"},
		{Scheme: "awskms", Attrs: map[string]string{"Key-Id": "arn:aws:kms:us-east-1:111122223333:key/k", "Algorithm": "RSAES_OAEP_SHA_256"},
			DER: []byte{0x30, 0x03, 0x02, 0x01, 0x00}, Comment: "two\nlines"},
	}
	data, err := keyprovider.MarshalPublic(in...)
	if err != nil {
		t.Fatal(err)
	}
	fp := keyprovider.Fingerprint(in[1].DER)
	for _, want := range []string{"# a recipient line\ntoy1abc\n", "# two\n# lines\n# fingerprint " + fp + "\n",
		"-----BEGIN ENVSEAL PUBLIC KEY-----\nAlgorithm: RSAES_OAEP_SHA_256\nBackend: awskms\nFingerprint: " + fp + "\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("file does not contain %q:\n%s", want, data)
		}
	}
	out, err := keyprovider.ParsePublic(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Scheme != "toypub" || out[0].Line != "toy1abc" ||
		out[1].Scheme != "awskms" || out[1].Attrs["Key-Id"] != in[1].Attrs["Key-Id"] ||
		out[1].Attrs["Algorithm"] != "RSAES_OAEP_SHA_256" || len(out[1].Attrs) != 2 || string(out[1].DER) != string(in[1].DER) {
		t.Fatalf("parsed %+v %+v", out[0], out[1])
	}
}

func TestParsePublicErrors(t *testing.T) {
	fp := keyprovider.Fingerprint([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	block := "-----BEGIN ENVSEAL PUBLIC KEY-----\nBackend: awskms\nFingerprint: " + fp + "\n\nMAMCAQA=\n-----END ENVSEAL PUBLIC KEY-----\n"
	tests := []struct{ name, file, want string }{
		{"empty", "", "no public keys"},
		{"comments only", "# nothing\n\n", "no public keys"},
		{"a path, not a recipient", "secret.pem\n", "line 1: not a recipient"},
		{"no END", "toy1a\n" + strings.SplitAfter(block, "\n\n")[0], "line 2: public key block has no END"},
		{"no Backend", strings.Replace(block, "Backend: awskms\n", "Key-Id: x\n", 1), "has no Backend header"},
		{"bad base64", strings.Replace(block, "MAMCAQA=", "!!!!", 1), "malformed"},
		{"no Fingerprint", strings.Replace(block, "Fingerprint: "+fp+"\n", "", 1), "has no Fingerprint header (re-export"},
		// Editing only the base64 (another key) fails the fingerprint.
		{"key edited", strings.Replace(block, "MAMCAQA=", "MAMCAQE=", 1), "the key's fingerprint is SHA256:"},
		{"header twice", strings.Replace(block, "Backend: awskms\n", "Backend: awskms\nKey-Id: a\nKey-Id: b\n", 1), `header "Key-Id" more than once`},
		{"Backend twice", strings.Replace(block, "Backend: awskms\n", "Backend: awskms\nBackend: pkcs11\n", 1), `header "Backend" more than once`},
		{"other PEM type", strings.ReplaceAll(block, "ENVSEAL PUBLIC KEY", "PUBLIC KEY"), "line 1: not a recipient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keyprovider.ParsePublic([]byte(tt.file))
			if !errors.Is(err, keyprovider.ErrPublicFile) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMarshalPublicRefusesAttrsThatBreakTheFile(t *testing.T) {
	for _, attrs := range []map[string]string{
		{"Key-Id": "a\nBackend: file"},
		{"Bad:Name": "x"},
		{"Backend": "file"},
		{"Fingerprint": "SHA256:x"},
	} {
		if _, err := keyprovider.MarshalPublic(&keyprovider.PublicKey{Scheme: "awskms", Attrs: attrs}); err == nil {
			t.Errorf("MarshalPublic accepted attrs %q", attrs)
		}
	}
}

func TestCheckAttrs(t *testing.T) {
	pk := &keyprovider.PublicKey{Scheme: "awskms", Attrs: map[string]string{"Key-Id": "a", "Algorithm": "b", "Region": "x"}}
	if err := pk.CheckAttrs("Key-Id", "Algorithm"); !errors.Is(err, keyprovider.ErrPublicFile) || !strings.Contains(err.Error(), `unknown attribute "Region"`) {
		t.Errorf("CheckAttrs: %v", err)
	}
	delete(pk.Attrs, "Region")
	if err := pk.CheckAttrs("Key-Id", "Algorithm"); err != nil {
		t.Errorf("CheckAttrs: %v", err)
	}
}

func TestOpenBareRecipientAndAlias(t *testing.T) {
	for _, uri := range []string{"toy1xyz", "toyalias:whatever", "toypub:x"} {
		k, err := keyprovider.Open(context.Background(), uri, nil)
		if err != nil || k.URI() != uri {
			t.Errorf("Open(%q) = %v, %v", uri, k, err)
		}
	}
	// Bare matching is exact syntax: anything else still needs a scheme.
	if _, err := keyprovider.Open(context.Background(), "toy1 x", nil); !errors.Is(err, keyprovider.ErrBadURI) {
		t.Errorf("a string that is not a recipient opened: %v", err)
	}
	if b, ok := keyprovider.Lookup("toyalias"); !ok || b.Scheme != "toypub" {
		t.Errorf("Lookup(alias) = %v, %v", b.Scheme, ok)
	}
}

func TestRegisterAliasTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering an alias that is a scheme did not panic")
		}
	}()
	keyprovider.Register(keyprovider.Backend{Scheme: "toyother", Aliases: []string{"file"}, Open: func(context.Context, string, *keyprovider.Options) (keyprovider.Key, error) { return nil, nil }})
}

func TestExpand(t *testing.T) {
	g := group{toyKey{"a"}, group{toyKey{"b"}, toyKey{"c"}}}
	got := keyprovider.Expand([]keyprovider.Key{toyKey{"x"}, g})
	var uris []string
	for _, k := range got {
		uris = append(uris, k.URI())
	}
	if strings.Join(uris, ",") != "x,a,b,c" {
		t.Fatalf("Expand = %v", uris)
	}
}

type group []keyprovider.Key

func (g group) URI() string             { return "group" }
func (g group) Keys() []keyprovider.Key { return g }
