package awskms_test

import (
	"errors"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

func TestDiscovery(t *testing.T) {
	testkms.Get(t)
	arn := newKey(t)
	file := sealtest.Seal(t, plaintext, map[string]string{"d": "1"}, openKey(t, "awskms:///"+arn))

	tests := []struct {
		name  string
		allow []string
		opens bool
	}{
		{"any key", nil, true},
		{"allowed", []string{testkms.DemoKeyARN, arn}, true},
		{"not allowed", []string{testkms.DemoKeyARN}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec testkms.Recorder
			d, err := awskms.NewDiscovery(t.Context(), nil, tt.allow, rec.Option())
			if err != nil {
				t.Fatal(err)
			}
			_, err = sealtest.Open(t.Context(), file, nil, d)
			var nm *envelope.NoMatchError
			switch {
			case tt.opens:
				mustOpen(t, file, plaintext, d)
			case !errors.As(err, &nm):
				t.Fatalf("open: %v, want NoMatchError", err)
			case len(rec.Calls()) != 0:
				t.Errorf("a key outside the allow list was tried: %v", rec.Calls())
			}
		})
	}
}

// A discovery unwrap goes to the region in the stanza's ARN, whatever the
// default region is.
func TestDiscoveryUsesStanzaRegion(t *testing.T) {
	srv := testkms.Get(t)
	file := sealtest.Seal(t, plaintext, nil, openKey(t, srv.URI(testkms.DemoAlias)))
	var rec testkms.Recorder
	opts := &keyprovider.Options{Settings: map[string]string{"region": "eu-west-3"}}
	d, err := awskms.NewDiscovery(t.Context(), opts, nil, rec.Option())
	if err != nil {
		t.Fatal(err)
	}
	mustOpen(t, file, plaintext, d)
	calls := rec.Calls()
	if len(calls) != 1 || calls[0].Op != "Decrypt" || calls[0].Region != testkms.Region {
		t.Errorf("calls = %v, want one Decrypt signed for %s", calls, testkms.Region)
	}
}

func TestDiscoveryRejectsNonARNs(t *testing.T) {
	for _, a := range []string{"alias/Demo", testkms.DemoKeyID, "arn:aws:kms:us-east-1:111122223333:alias/Demo", ""} {
		if _, err := awskms.NewDiscovery(t.Context(), nil, []string{a}); !errors.Is(err, awskms.ErrInvalidArgument) {
			t.Errorf("allow %q: %v, want ErrInvalidArgument", a, err)
		}
	}
}

func TestDiscoveryMalformedStanza(t *testing.T) {
	testkms.Get(t)
	d, err := awskms.NewDiscovery(t.Context(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Unwrap(t.Context(), &keyprovider.Stanza{Type: awskms.StanzaType, KeyID: "alias/Demo", Body: []byte{1}}, nil)
	if err == nil || errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("malformed awskms stanza: %v, want a failure", err)
	}
	_, err = d.Unwrap(t.Context(), &keyprovider.Stanza{Type: "file", KeyID: "x", Body: []byte{1}}, nil)
	if !errors.Is(err, keyprovider.ErrNotMine) {
		t.Errorf("file stanza: %v, want ErrNotMine", err)
	}
}
