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

// FuzzParseKeyARN: a stanza's key id (an awskms stanza names its key by
// ARN) never makes the parser panic, and an accepted ARN has exactly the
// shape KMS issues, so comparing ARNs as strings is sound.
func FuzzParseKeyARN(f *testing.F) {
	for _, s := range []string{keyARN, aliasARN, mrkID, "arn:aws:kms:us-east-1:111122223333:key/",
		"arn:aws-cn:kms:cn-north-1:111122223333:key/" + keyID, "arn:aws:kms:us-east-1:1111222233334:key/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		region, id, ok := awskms.ParseKeyARN(s)
		if !ok {
			return
		}
		want := ":" + region + ":"
		if !strings.HasPrefix(s, "arn:aws") || !strings.Contains(s, want) || !strings.HasSuffix(s, ":key/"+id) || id == "" {
			t.Fatalf("accepted %q (region %q, key id %q)", s, region, id)
		}
		if strings.ContainsAny(s, " \t\n?#%@\\") || strings.Count(s, "/") != 1 {
			t.Fatalf("accepted %q with a separator or space", s)
		}
		if _, err := awskms.ParseURI("awskms:///" + s); err != nil {
			t.Fatalf("key ARN %q accepted in a stanza but not in a URI: %v", s, err)
		}
	})
}
