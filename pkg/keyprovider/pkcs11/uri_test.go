package pkcs11_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/pkcs11"
)

func slot(n uint) *uint { return &n }

func TestParseURI(t *testing.T) {
	tests := []struct {
		in   string
		want pkcs11.URI
	}{
		{"pkcs11:", pkcs11.URI{}},
		{"pkcs11:token=T;object=kek", pkcs11.URI{Token: "T", Object: "kek"}},
		{"pkcs11:object=kek;token=T", pkcs11.URI{Token: "T", Object: "kek"}},
		{"pkcs11:token=My%20Token;object=a%2Fb", pkcs11.URI{Token: "My Token", Object: "a/b"}},
		{"pkcs11:id=%01%a0%FF", pkcs11.URI{ID: []byte{1, 0xa0, 0xff}}},
		{"pkcs11:id=ab", pkcs11.URI{ID: []byte("ab")}},
		{"pkcs11:slot-id=0", pkcs11.URI{SlotID: slot(0)}},
		{"pkcs11:slot-id=1234567890", pkcs11.URI{SlotID: slot(1234567890)}},
		{"pkcs11:serial=8fb908feffca8bbc;type=secret-key", pkcs11.URI{Serial: "8fb908feffca8bbc", Type: "secret-key"}},
		{"pkcs11:object=R%26D&x;type=private", pkcs11.URI{Object: "R&D&x", Type: "private"}},
		{"pkcs11:object=a:b@c[d]!$'()*+,=~._-", pkcs11.URI{Object: "a:b@c[d]!$'()*+,=~._-"}},
		{"pkcs11:object=k?module-path=/usr/lib/softhsm/libsofthsm2.so",
			pkcs11.URI{Object: "k", ModulePath: "/usr/lib/softhsm/libsofthsm2.so"}},
		{"pkcs11:object=k?pin-source=file:/etc/pin&module-path=/m.so",
			pkcs11.URI{Object: "k", PINSource: "file:/etc/pin", ModulePath: "/m.so"}},
		{"pkcs11:?pin-source=/a|b?c", pkcs11.URI{PINSource: "/a|b?c"}},
	}
	for _, tt := range tests {
		u, err := pkcs11.ParseURI(tt.in)
		if err != nil {
			t.Errorf("ParseURI(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(*u, tt.want) {
			t.Errorf("ParseURI(%q) = %#v, want %#v", tt.in, *u, tt.want)
		}
	}
}

func TestParseURIPINValue(t *testing.T) {
	u, err := pkcs11.ParseURI("pkcs11:token=T?pin-value=12%2634")
	if err != nil {
		t.Fatal(err)
	}
	if !u.HasPINValue() {
		t.Fatal("pin-value not recorded")
	}
	if s := u.String(); strings.Contains(s, "pin") || strings.Contains(s, "12") {
		t.Errorf("String() = %q shows the PIN", s)
	}
}

func TestParseURIErrors(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "no scheme"},
		{"PKCS11:token=T", "scheme is case-sensitive here"},
		{"file:key", "other scheme"},
		{"pkcs11:token", "no ="},
		{"pkcs11:token=T;", "empty attribute"},
		{"pkcs11:;token=T", "empty attribute"},
		{"pkcs11:token=", "empty value"},
		{"pkcs11:token=T;token=U", "duplicate"},
		{"pkcs11:=T", "empty name"},
		{"pkcs11:to ken=T", "bad name"},
		{"pkcs11:token=a b", "space must be encoded"},
		{"pkcs11:token=a/b", "/ must be encoded in the path"},
		{"pkcs11:token=a%2", "truncated escape"},
		{"pkcs11:token=a%", "truncated escape"},
		{"pkcs11:token=a%zz", "bad escape"},
		{"pkcs11:token=a#b", "fragment"},
		{"pkcs11:slot-id=-1", "negative slot"},
		{"pkcs11:slot-id=1a", "non-digit slot"},
		{"pkcs11:slot-id=99999999999999999999999", "slot overflow"},
		{"pkcs11:type=secret", "unknown type"},
		{"pkcs11:manufacturer=SoftHSM", "unsupported path attribute"},
		{"pkcs11:x-vendor=1", "vendor attribute"},
		{"pkcs11:token=T?", "empty query"},
		{"pkcs11:token=T?module-path=relative.so", "relative module"},
		{"pkcs11:token=T?module-name=softhsm2", "module-name"},
		{"pkcs11:token=T?pin-value=1&pin-source=/f", "both PIN attributes"},
		{"pkcs11:token=T?pin-value=1&pin-value=2", "duplicate query"},
		{"pkcs11:token=T?pin-value=1;2", "; must be encoded in the query"},
		{"pkcs11:token=T?foo=bar", "unknown query attribute"},
	}
	for _, tt := range tests {
		_, err := pkcs11.ParseURI(tt.in)
		if err == nil {
			t.Errorf("ParseURI(%q) succeeded, want error (%s)", tt.in, tt.why)
			continue
		}
		var ue *pkcs11.URIError
		if !errors.As(err, &ue) || !errors.Is(err, keyprovider.ErrBadURI) {
			t.Errorf("ParseURI(%q) error %v is not a URIError matching ErrBadURI", tt.in, err)
		}
	}
}

// A malformed URI must not echo its PIN, however it is malformed.
func TestParseURIErrorsHidePIN(t *testing.T) {
	const pin = "S3cretPIN"
	for _, in := range []string{
		"pkcs11:token=T?pin-value=" + pin + "&pin-value=" + pin,
		"pkcs11:token=T?pin-value" + pin,
		"pkcs11:token=T?pin-valu=" + pin,
		"pkcs11:token=T?pin-value=" + pin + " x",
		"pkcs11:token=T?pin-value=" + pin + "%zz",
		"pkcs11:token=T?pin-value=" + pin + "&pin-source=/f",
		"pkcs11:token=" + pin + "?pin-value=" + pin + "&module-path=rel",
	} {
		_, err := pkcs11.ParseURI(in)
		if err == nil {
			t.Errorf("ParseURI(%q) succeeded", in)
		} else if strings.Contains(err.Error(), pin) {
			t.Errorf("error for %q shows the PIN: %v", in, err)
		}
	}
}

func TestURIStringCanonical(t *testing.T) {
	in := "pkcs11:type=private;id=%01;object=my key;token=T?pin-source=/p&module-path=/m.so"
	in = strings.ReplaceAll(in, " ", "%20")
	u, err := pkcs11.ParseURI(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "pkcs11:token=T;object=my%20key;id=%01;type=private?module-path=/m.so&pin-source=/p"
	if got := u.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestParseKeyType(t *testing.T) {
	for _, kt := range pkcs11.KeyTypes() {
		if got, err := pkcs11.ParseKeyType(string(kt)); err != nil || got != kt {
			t.Errorf("ParseKeyType(%q) = %q, %v", kt, got, err)
		}
	}
	if got, err := pkcs11.ParseKeyType(""); err != nil || got != pkcs11.AES256 {
		t.Errorf("ParseKeyType(\"\") = %q, %v; want aes-256", got, err)
	}
	if _, err := pkcs11.ParseKeyType("rsa-2048"); err == nil {
		t.Error("ParseKeyType(rsa-2048) succeeded")
	}
}

func TestHint(t *testing.T) {
	for _, err := range []error{pkcs11.ErrNoCgo, pkcs11.ErrNoModule, pkcs11.ErrNoPIN, pkcs11.ErrTokenNotFound} {
		if pkcs11.Hint(err) == "" {
			t.Errorf("no hint for %v", err)
		}
	}
	if !errors.Is(pkcs11.ErrWrongKeyType, keyprovider.ErrUnsupported) {
		t.Error("ErrWrongKeyType does not match keyprovider.ErrUnsupported")
	}
}

// FuzzParseURI checks that the parser never panics, that what it accepts
// survives a String round trip unchanged (but for the PIN, which String
// drops), and that neither String nor an error shows a pin-value.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"pkcs11:", "pkcs11:token=T;object=kek;id=%01%02",
		"pkcs11:slot-id=7;type=secret-key?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234",
		"pkcs11:serial=abc;object=a%20b?pin-source=file:///etc/pin",
		"pkcs11:object=R&D?pin-source=/a|b?c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := pkcs11.ParseURI(s)
		if err != nil {
			if strings.Contains(s, "pin-value=") && strings.Contains(err.Error(), "pin-value=") {
				t.Fatalf("error quotes the URI: %v", err)
			}
			return
		}
		out := u.String()
		if hasPINValue(out) {
			t.Fatalf("String() = %q shows a pin-value", out)
		}
		u2, err := pkcs11.ParseURI(out)
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", out, err)
		}
		if u2.String() != out {
			t.Fatalf("String() is not canonical: %q -> %q", out, u2.String())
		}
		if u2.Token != u.Token || u2.Object != u.Object || string(u2.ID) != string(u.ID) ||
			u2.Serial != u.Serial || u2.Type != u.Type || u2.ModulePath != u.ModulePath ||
			u2.PINSource != u.PINSource || !reflect.DeepEqual(u2.SlotID, u.SlotID) {
			t.Fatalf("round trip of %q changed it: %#v -> %#v", s, u, u2)
		}
	})
}

// hasPINValue reports whether a URI has a pin-value query attribute. (The
// string "pin-value" may appear inside other values, such as a module path.)
func hasPINValue(uri string) bool {
	_, query, _ := strings.Cut(uri, "?")
	for _, attr := range strings.Split(query, "&") {
		if strings.HasPrefix(attr, "pin-value=") {
			return true
		}
	}
	return false
}
