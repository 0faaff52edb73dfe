package keyprovider_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
)

func openNothing(context.Context, string, *keyprovider.Options) (keyprovider.Key, error) {
	return nil, errors.New("not a real backend")
}

// The registry is global: these tests register schemes of their own,
// named after the test, and only look at what those contribute.
func TestRegistryQueries(t *testing.T) {
	errMine := errors.New("regtest failure")
	closed := 0
	keyprovider.Register(keyprovider.Backend{
		Scheme: "regtest",
		Open:   openNothing,
		Hint: func(err error) string {
			if errors.Is(err, errMine) {
				return "regtest hint"
			}
			return ""
		},
		Close:     func() error { closed++; return errMine },
		Settings:  []keyprovider.Setting{{Name: "regtest-setting", Usage: "u"}},
		SecretEnv: []string{"REGTEST_PIN"},
		RewrapFallback: func(err error) string {
			if errors.Is(err, errMine) {
				return "regtest fallback"
			}
			return ""
		},
	})
	b, ok := keyprovider.Lookup("regtest")
	if !ok || b.Scheme != "regtest" {
		t.Fatalf("Lookup = %v, %v", b.Scheme, ok)
	}
	if h := keyprovider.Hint(wrap(errMine)); h != "regtest hint" {
		t.Errorf("Hint = %q", h)
	}
	if h := keyprovider.Hint(errors.New("other")); h != "" {
		t.Errorf("Hint of an unknown error = %q", h)
	}
	if w := keyprovider.RewrapFallback(wrap(errMine)); w != "regtest fallback" {
		t.Errorf("RewrapFallback = %q", w)
	}
	if err := keyprovider.CloseAll(); !errors.Is(err, errMine) || closed != 1 {
		t.Errorf("CloseAll = %v, closed %d times", err, closed)
	}
	found := false
	for _, s := range keyprovider.Settings() {
		found = found || s.Name == "regtest-setting"
	}
	if !found {
		t.Error("Settings does not list regtest-setting")
	}
	if !slices.Contains(keyprovider.SecretEnv(), "REGTEST_PIN") {
		t.Errorf("SecretEnv = %q, without REGTEST_PIN", keyprovider.SecretEnv())
	}
}

func wrap(err error) error { return errors.Join(errors.New("context"), err) }

func TestKeygenUnsupportedScheme(t *testing.T) {
	_, err := keyprovider.Keygen(context.Background(), "file:k.key", nil, nil)
	var ue *keyprovider.UsageError
	if !errors.As(err, &ue) || err.Error() != "cannot make file keys" || !strings.HasPrefix(ue.Hint, "keygen makes ") {
		t.Fatalf("err = %v (%T)", err, err)
	}
}

func TestRegisterRejects(t *testing.T) {
	for name, b := range map[string]keyprovider.Backend{
		"no Open":       {Scheme: "rejecttest"},
		"setting twice": {Scheme: "rejecttest2", Open: openNothing, Settings: []keyprovider.Setting{{Name: "dup-setting"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "setting twice" {
				keyprovider.Register(keyprovider.Backend{Scheme: "rejecttest1", Open: openNothing,
					Settings: []keyprovider.Setting{{Name: "dup-setting"}}})
			}
			defer func() {
				if recover() == nil {
					t.Fatal("Register did not panic")
				}
			}()
			keyprovider.Register(b)
		})
	}
}
