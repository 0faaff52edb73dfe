// Package testageplugin is a real age plugin, age-plugin-envsealtest,
// for tests: it speaks the plugin protocol through filippo.io/age/plugin
// (the framework real plugins use) and wraps file keys with X25519
// inside, as a hardware plugin would inside its token. Test binaries run
// Main when invoked under the plugin's name, so age, age-keygen and
// envseal find it on PATH like any installed plugin.
//
// Its recipients are age1envsealtest1... and its identities
// AGE-PLUGIN-ENVSEALTEST-1...; the bech32 data of each is the native age
// recipient or identity string. A recipient whose native part is prefixed
// "many:" makes more age stanzas than envseal accepts, "huge:" a stanza
// too large for an envseal stanza body: faults a real plugin could have.
package testageplugin

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"

	"filippo.io/age"
	"filippo.io/age/plugin"
)

// Name is the plugin's name: the binary is age-plugin-envsealtest.
const Name = "envsealtest"

// Main runs the plugin, or with --generate IDFILE RECIPIENTFILE writes a
// new identity and its recipient, and returns the exit status.
func Main() int {
	if len(os.Args) == 4 && os.Args[1] == "--generate" {
		if err := generate(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "age-plugin-envsealtest:", err)
			return 1
		}
		return 0
	}
	p, err := plugin.New(Name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fs := flag.NewFlagSet("age-plugin-"+Name, flag.ContinueOnError)
	p.RegisterFlags(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	p.HandleRecipient(func(data []byte) (age.Recipient, error) {
		s := string(data)
		switch {
		case strings.HasPrefix(s, "many:"):
			r, err := age.ParseX25519Recipient(strings.TrimPrefix(s, "many:"))
			return manyRecipient{r}, err
		case strings.HasPrefix(s, "huge:"):
			r, err := age.ParseX25519Recipient(strings.TrimPrefix(s, "huge:"))
			return hugeRecipient{r}, err
		}
		return age.ParseX25519Recipient(s)
	})
	p.HandleIdentity(func(data []byte) (age.Identity, error) {
		return age.ParseX25519Identity(string(data))
	})
	return p.Main()
}

// Generate returns a new identity and recipient of the plugin.
func Generate() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	return plugin.EncodeIdentity(Name, []byte(id.String())), plugin.EncodeRecipient(Name, []byte(id.Recipient().String())), nil
}

// Faulty returns a recipient of the plugin that misbehaves: kind is
// "many" or "huge".
func Faulty(kind string) (string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", err
	}
	return plugin.EncodeRecipient(Name, []byte(kind+":"+id.Recipient().String())), nil
}

func generate(idPath, rcptPath string) error {
	id, rcpt, err := Generate()
	if err != nil {
		return err
	}
	if err := os.WriteFile(idPath, []byte("# recipient: "+rcpt+"\n"+id+"\n"), 0o600); err != nil {
		return err
	}
	return os.WriteFile(rcptPath, []byte(rcpt+"\n"), 0o644)
}

// manyRecipient wraps the file key five times.
type manyRecipient struct{ r *age.X25519Recipient }

func (m manyRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	var out []*age.Stanza
	for range 5 {
		s, err := m.r.Wrap(fileKey)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// hugeRecipient adds a 9000-byte stanza.
type hugeRecipient struct{ r *age.X25519Recipient }

func (h hugeRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	s, err := h.r.Wrap(fileKey)
	if err != nil {
		return nil, err
	}
	return append(s, &age.Stanza{Type: "padding", Body: bytes.Repeat([]byte{'x'}, 9000)}), nil
}
