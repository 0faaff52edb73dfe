package keyprovider_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// A key typed in place of a key URI or file name is refused without being
// quoted, in any case and behind any scheme.
func TestSecretNotEchoed(t *testing.T) {
	const id = "AGE-SECRET-KEY-1E28W9XQJ7N6D5K4L3M2P0Q9R8S7T6U5V4W3X2Y1Z0A9B8C7D6E5F4G3H2"
	ssh := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"
	for _, tc := range []struct{ in, secret string }{
		{id, "E28W9XQJ7N6D5K4L3M2P0Q9R8S7T6U"},
		{strings.ToLower(id), "e28w9xqj7n6d5k4l3m2p0q9r8s7t6u"},
		{"age:" + id, "E28W9XQJ7N6D5K4L3M2P0Q9R8S7T6U"},
		{"ssh:" + id, "E28W9XQJ7N6D5K4L3M2P0Q9R8S7T6U"},
		{"pub:" + id, "E28W9XQJ7N6D5K4L3M2P0Q9R8S7T6U"},
		{"file:" + id, "E28W9XQJ7N6D5K4L3M2P0Q9R8S7T6U"},
		{"AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", "QQQQQQQQQQPZRY9X8GF2"},
		{ssh, "b3BlbnNzaC1rZXktdjEA"},
		{strings.ReplaceAll(ssh, "\n", " "), "b3BlbnNzaC1rZXktdjEA"},
	} {
		_, _, err := keyprovider.Scheme(tc.in)
		if tc.in[3] == ':' || strings.HasPrefix(tc.in, "file:") {
			// Behind a scheme: Open refuses it before any backend.
			_, err = keyprovider.Open(t.Context(), tc.in, nil)
		}
		if !errors.Is(err, keyprovider.ErrKeyMaterial) || !errors.Is(err, keyprovider.ErrBadURI) {
			t.Errorf("%.20s…: %v, want ErrKeyMaterial and ErrBadURI", tc.in, err)
			continue
		}
		for _, shown := range []string{err.Error(), keyprovider.Printable(tc.in)} {
			if strings.Contains(shown, tc.secret) || strings.Contains(shown, "\n") {
				t.Errorf("message shows the key: %q", shown)
			}
		}
	}
	// What merely resembles one is a name like any other.
	for _, ok := range []string{"age:age-plugin-yubikey.txt", "age:AGE-SECRET-KEY-backup.txt", "file:private-key.pem", "pkcs11:object=a?pin-value=1"} {
		if err := keyprovider.CheckNotSecret(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if p := keyprovider.Printable(strings.Repeat("x", 600)); strings.Contains(p, "xxxx") {
		t.Errorf("a long value is printed: %.40s", p)
	}
}
