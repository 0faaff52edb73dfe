package awskms_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

const (
	keyID    = "1234abcd-12ab-34cd-56ef-1234567890ab"
	mrkID    = "mrk-1234abcd12ab34cd56ef1234567890ab"
	keyARN   = "arn:aws:kms:us-west-2:111122223333:key/" + keyID
	aliasARN = "arn:aws:kms:eu-central-1:111122223333:alias/Demo"
)

func TestParseURI(t *testing.T) {
	tests := []struct {
		uri      string
		keyID    string
		endpoint string
		region   string
		alias    string
	}{
		{"awskms:///alias/Demo", "alias/Demo", "", "", "alias/Demo"},
		{"awskms:///alias/team/app_key-1", "alias/team/app_key-1", "", "", "alias/team/app_key-1"},
		{"awskms:///" + keyID, keyID, "", "", ""},
		{"awskms:///" + mrkID, mrkID, "", "", ""},
		{"awskms:///" + keyARN, keyARN, "", "us-west-2", ""},
		{"awskms:///" + aliasARN, aliasARN, "", "eu-central-1", "alias/Demo"},
		{"awskms:///arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + keyID,
			"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + keyID, "", "us-gov-west-1", ""},
		{"awskms:///arn:aws-cn:kms:cn-north-1:111122223333:key/" + mrkID,
			"arn:aws-cn:kms:cn-north-1:111122223333:key/" + mrkID, "", "cn-north-1", ""},
		{"awskms://127.0.0.1:4599/alias/Demo", "alias/Demo", "http://127.0.0.1:4599", "", "alias/Demo"},
		{"awskms://127.9.8.7:4599/alias/Demo", "alias/Demo", "http://127.9.8.7:4599", "", "alias/Demo"},
		{"awskms://localhost:4599/alias/Demo", "alias/Demo", "http://localhost:4599", "", "alias/Demo"},
		{"awskms://[::1]:4599/alias/Demo", "alias/Demo", "http://[::1]:4599", "", "alias/Demo"},
		{"awskms://[::1]/alias/Demo", "alias/Demo", "http://[::1]", "", "alias/Demo"},
		{"awskms://localhost/" + keyID, keyID, "http://localhost", "", ""},
		{"awskms://kms.us-east-1.amazonaws.com/alias/Demo", "alias/Demo", "https://kms.us-east-1.amazonaws.com", "", "alias/Demo"},
		{"awskms://vpce-1a2b.kms.eu-west-1.vpce.amazonaws.com:443/" + keyARN, keyARN,
			"https://vpce-1a2b.kms.eu-west-1.vpce.amazonaws.com:443", "us-west-2", ""},
		{"awskms://10.0.0.1:4599/alias/Demo", "alias/Demo", "https://10.0.0.1:4599", "", "alias/Demo"},
		{"awskms://[2001:db8::1]:4599/alias/Demo", "alias/Demo", "https://[2001:db8::1]:4599", "", "alias/Demo"},
		{"awskms://127.0.0.1.nip.io/alias/Demo", "alias/Demo", "https://127.0.0.1.nip.io", "", "alias/Demo"},
		{"awskms://localhost.example.com/alias/Demo", "alias/Demo", "https://localhost.example.com", "", "alias/Demo"},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			u, err := awskms.ParseURI(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			if u.KeyID != tt.keyID || u.Endpoint() != tt.endpoint || u.Region() != tt.region || u.AliasName() != tt.alias {
				t.Errorf("got key %q endpoint %q region %q alias %q", u.KeyID, u.Endpoint(), u.Region(), u.AliasName())
			}
			if u.IsAlias() != (tt.alias != "") {
				t.Errorf("IsAlias() = %v", u.IsAlias())
			}
			if u.String() != tt.uri {
				t.Errorf("String() = %q", u.String())
			}
		})
	}
}

func TestParseURIRejects(t *testing.T) {
	tests := []string{
		"",
		"awskms:",
		"awskms:alias/Demo",
		"awskms:/alias/Demo",
		"awskms://alias/Demo",      // the alias taken for a host
		"awskms://" + keyARN,       // two slashes: the ARN is not a host
		"AWSKMS:///alias/Demo",     // scheme is lowercase
		"awskms:///",               // no key
		"awskms:///alias/",         // empty alias name
		"awskms:///alias",          // no alias name
		"awskms:///alias/Demo/",    // fine for KMS? no: trailing slash is a typo magnet
		"awskms:///alias/De mo",    // space
		"awskms:///alias/Demo?x=1", // no query
		"awskms:///alias/Demo#frag",
		"awskms:///alias/D%65mo", // no percent-encoding
		"awskms:///alias/" + strings.Repeat("a", 251),
		"awskms:///1234ABCD-12AB-34CD-56EF-1234567890AB", // uppercase key id
		"awskms:///1234abcd-12ab-34cd-56ef-1234567890a",  // short
		"awskms:///1234abcd12ab34cd56ef1234567890ab",     // no dashes
		"awskms:///1234abcd-12ab-34cd-56ef1-234567890ab", // dashes misplaced
		"awskms:///mrk-1234",
		"awskms:///key/" + keyID,
		"awskms:///arn:aws:kms:us-west-2:111122223333:key/not-a-key",
		"awskms:///arn:aws:kms:us-west-2:11112222333:key/" + keyID,   // 11-digit account
		"awskms:///arn:aws:kms:uswest2:111122223333:key/" + keyID,    // bad region
		"awskms:///arn:aws:kms:us-west-02:111122223333:key/" + keyID, // leading zero
		"awskms:///arn:aws:kms::111122223333:key/" + keyID,           // no region
		"awskms:///arn:aws:s3:us-west-2:111122223333:key/" + keyID,   // not kms
		"awskms:///arn:gcp:kms:us-west-2:111122223333:key/" + keyID,  // not an AWS partition
		"awskms:///arn:aws:kms:us-west-2:111122223333:grant/" + keyID,
		"awskms:///arn:aws:kms:us-west-2:111122223333:key/" + keyID + ":extra",
		"awskms://user@127.0.0.1:4599/alias/Demo",
		"awskms://127.0.0.1:/alias/Demo",
		"awskms://127.0.0.1:0/alias/Demo",
		"awskms://127.0.0.1:04599/alias/Demo",
		"awskms://127.0.0.1:65536/alias/Demo",
		"awskms://127.0.0.1:+80/alias/Demo",
		"awskms://127.0.0.1:4599:1/alias/Demo",
		"awskms://::1/alias/Demo",
		"awskms://[::1/alias/Demo",
		"awskms://[127.0.0.1]/alias/Demo",
		"awskms://[::1]x/alias/Demo",
		"awskms://[0:0::1]/alias/Demo", // not canonical
		"awskms://[fe80::1%25eth0]/alias/Demo",
		"awskms://[::ffff:127.0.0.1]/alias/Demo",
		"awskms://127.000.000.001/alias/Demo",
		"awskms://999.0.0.1/alias/Demo",
		"awskms://LOCALHOST/alias/Demo",
		"awskms://local_host/alias/Demo",
		"awskms://-bad.example.com/alias/Demo",
		"awskms://bad..example.com/alias/Demo",
		"awskms://:4599/alias/Demo",
		"file:key.pem",
	}
	for _, uri := range tests {
		t.Run(uri, func(t *testing.T) {
			u, err := awskms.ParseURI(uri)
			if err == nil {
				t.Fatalf("accepted as %+v", u)
			}
			if !errors.Is(err, keyprovider.ErrBadURI) {
				t.Errorf("error %v does not wrap ErrBadURI", err)
			}
		})
	}
}
