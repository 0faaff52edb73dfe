package awskms_test

import (
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

// FuzzParseURI checks that the parser never panics, that whatever it
// accepts is in canonical form (String gives the input back), and that an
// accepted endpoint is plain http only for loopback hosts.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"awskms:///alias/Demo", "awskms:///" + keyID, "awskms:///" + mrkID,
		"awskms:///" + keyARN, "awskms:///" + aliasARN,
		"awskms://127.0.0.1:4599/alias/Demo", "awskms://[::1]:1/alias/x",
		"awskms://kms.example.com/" + keyARN, "awskms://[::ffff:127.0.0.1]/alias/x",
		"awskms://127.0.0.1:65536/alias/x", "awskms:///alias/a%2Fb",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := awskms.ParseURI(s)
		if err != nil {
			return
		}
		if u.String() != s {
			t.Fatalf("accepted %q but String() = %q", s, u.String())
		}
		ep := u.Endpoint()
		if strings.HasPrefix(ep, "http://") {
			h := strings.TrimPrefix(ep, "http://")
			if !strings.HasPrefix(h, "127.") && !strings.HasPrefix(h, "[::1]") && !strings.HasPrefix(h, "localhost") {
				t.Fatalf("plain http for non-loopback endpoint %q", ep)
			}
		}
		if strings.ContainsAny(s, "?#%@ \t\n\\") {
			t.Fatalf("accepted a URI with a forbidden character: %q", s)
		}
	})
}
