package awskms_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// Opening a key is free: no request until the key is used.
func TestOpenSendsNothing(t *testing.T) {
	var rec testkms.Recorder
	for _, uri := range []string{"awskms://127.0.0.1:1/alias/Demo", "awskms:///" + keyARN, "awskms:///" + keyID} {
		if _, err := awskms.Open(t.Context(), uri, nil, rec.Option()); err != nil {
			t.Errorf("Open(%s): %v", uri, err)
		}
	}
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("requests sent: %v", calls)
	}
	k, err := keyprovider.Open(t.Context(), "awskms://127.0.0.1:1/alias/Demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.(keyprovider.Generator); !ok {
		t.Errorf("registry returned %T, not a Generator", k)
	}
	if _, err := keyprovider.Open(t.Context(), "awskms:/alias/Demo", nil); !errors.Is(err, keyprovider.ErrBadURI) {
		t.Errorf("bad URI through the registry: %v", err)
	}
}

func TestRegion(t *testing.T) {
	testkms.Get(t) // AWS_REGION is testkms.Region
	tests := []struct {
		name, uri, flag, want string
		warn                  bool
	}{
		{"environment", "awskms:///alias/Demo", "", testkms.Region, false},
		{"flag overrides environment", "awskms:///alias/Demo", "eu-west-1", "eu-west-1", false},
		{"ARN wins", "awskms:///" + keyARN, "", "us-west-2", false},
		{"ARN wins over flag", "awskms:///" + keyARN, "eu-west-1", "us-west-2", true},
		{"alias ARN wins", "awskms:///" + aliasARN, "", "eu-central-1", false},
		{"flag agreeing with ARN", "awskms:///" + keyARN, "us-west-2", "us-west-2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warnings bytes.Buffer
			opts := &keyprovider.Options{Settings: map[string]string{"region": tt.flag}, Warnings: &warnings}
			k, err := awskms.Open(t.Context(), tt.uri, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Client().Region(); got != tt.want {
				t.Errorf("region %q, want %q", got, tt.want)
			}
			if tt.warn != (warnings.Len() > 0) {
				t.Errorf("warnings: %q", warnings.String())
			}
		})
	}
}

// With no region anywhere, a key not named by ARN fails clearly at first
// use, without a request; an ARN still works.
func TestNoRegion(t *testing.T) {
	srv := testkms.Get(t)
	t.Setenv("AWS_REGION", "")
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	_, _, err := k.GenerateDataKey(t.Context(), nil)
	wantKind(t, err, awskms.ErrNoRegion)
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("requests sent: %v", calls)
	}
	byARN := openKey(t, srv.URI(testkms.DemoKeyARN))
	mustOpen(t, sealtest.Seal(t, plaintext, nil, byARN), plaintext, byARN)
}

func TestProfile(t *testing.T) {
	srv := testkms.Get(t)
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("[profile envseal-test]\nregion = eu-central-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_REGION", "")
	k, err := awskms.Open(t.Context(), srv.URI(testkms.DemoAlias), &keyprovider.Options{Settings: map[string]string{"profile": "envseal-test"}})
	if err != nil {
		t.Fatal(err)
	}
	if k.Client().Region() != "eu-central-1" {
		t.Errorf("region %q, want the profile's", k.Client().Region())
	}
	_, err = awskms.Open(t.Context(), srv.URI(testkms.DemoAlias), &keyprovider.Options{Settings: map[string]string{"profile": "missing"}})
	e := wantKind(t, err, awskms.ErrConfig)
	if !strings.Contains(e.Error(), "missing") {
		t.Errorf("error does not name the profile: %v", e)
	}
}
