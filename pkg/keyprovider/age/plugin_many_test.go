package age

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testageplugin"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// A file sealed to more recipients of one plugin than a plugin identity
// may try: the last identity opens it when its file names its recipient
// (as age-plugin-yubikey writes "# Recipient: age1yubikey1..."), and
// without that the error says the limit hid stanzas and how to lift it.
func TestPluginManyRecipients(t *testing.T) {
	dir := t.TempDir()
	n := pluginAttempts + 2
	var ws []keyprovider.Wrapper
	var lastID, lastRcpt string
	for range n {
		id, rcpt, err := testageplugin.Generate()
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, openKey(t, rcpt, nil).(keyprovider.Wrapper))
		lastID, lastRcpt = id, rcpt
	}
	file := sealtest.Seal(t, []byte("x"), nil, ws...)

	bare := filepath.Join(dir, "bare.txt")
	os.WriteFile(bare, []byte(lastID+"\n"), 0o600)
	_, err := sealtest.Open(context.Background(), file, nil, openKey(t, "age:"+bare, nil).(keyprovider.Unwrapper))
	if err == nil || !strings.Contains(err.Error(), "tried 4 of the 6 stanzas") || !strings.Contains(err.Error(), `"# Recipient: age1..."`) {
		t.Fatalf("identity without its recipient: %v", err)
	}

	named := filepath.Join(dir, "named.txt")
	os.WriteFile(named, []byte("#       Recipient: "+lastRcpt+"\n"+lastID+"\n"), 0o600)
	k := openKey(t, "age:"+named, nil)
	if got, err := sealtest.Open(context.Background(), file, nil, k.(keyprovider.Unwrapper)); err != nil || string(got) != "x" {
		t.Fatalf("identity with its recipient: %q, %v", got, err)
	}
	pk, err := k.(keyprovider.PublicExporter).ExportPublic(context.Background())
	if err != nil || pk.Line != lastRcpt {
		t.Errorf("ExportPublic: %v, %v", pk, err)
	}
	// A comment naming another plugin's recipient is not taken.
	other := filepath.Join(dir, "other.txt")
	os.WriteFile(other, []byte("# Recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n"+lastID+"\n"), 0o600)
	if k := openKey(t, "age:"+other, nil).(*pluginIdentityKey); k.recipient != "" {
		t.Errorf("took %q as the recipient", k.recipient)
	}
}
