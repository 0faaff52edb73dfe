package age

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// SSH keys of a type age cannot seal to (ECDSA, security keys) are named
// as such, bare or in a file, rather than as "no scheme" or "not an SSH
// public key line".
func TestSSHKeyTypesAgeCannotUse(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPub, err := ssh.NewPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	// An sk-ssh-ed25519@openssh.com key: type, key, application.
	skWire := ssh.Marshal(struct {
		Type, Key, App string
	}{"sk-ssh-ed25519@openssh.com", string(edPub), "ssh:"})
	skPub, err := ssh.ParsePublicKey(skWire)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, pub := range map[string]ssh.PublicKey{"ecdsa": ecPub, "sk": skPub} {
		line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " me@host"
		path := filepath.Join(dir, name+".pub")
		os.WriteFile(path, []byte(line+"\n"), 0o644)
		for _, uri := range []string{line, "ssh:" + path, "age:" + path} {
			_, err := keyprovider.Open(context.Background(), uri, nil)
			if err == nil || !strings.Contains(err.Error(), "cannot be an age recipient: ecdsa and sk- (security key) SSH keys cannot; use an ssh-ed25519 or ssh-rsa key") {
				t.Errorf("%s %.30s: %v", name, uri, err)
			}
		}
	}
	// And an ECDSA private key as an identity.
	pemBlock, err := ssh.MarshalPrivateKey(ec, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "id_ecdsa")
	os.WriteFile(path, pem.EncodeToMemory(pemBlock), 0o600)
	if _, err := keyprovider.Open(context.Background(), "ssh:"+path, nil); err == nil || !strings.Contains(err.Error(), "SSH key type ecdsa-sha2-nistp256 cannot be an age identity") {
		t.Errorf("ecdsa identity: %v", err)
	}
}
