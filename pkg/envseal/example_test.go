package envseal_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// keyDir holds the examples' key files; TestMain removes it.
var keyDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "envseal-test")
	if err != nil {
		log.Fatal(err)
	}
	keyDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// newKeyFile creates a local AES-256 key file, as `envseal keygen -o` does,
// and returns its URI.
func newKeyFile(name string) string {
	path := filepath.Join(keyDir, name)
	if _, err := localkey.Generate(path, false); err != nil {
		log.Fatal(err)
	}
	return "file:" + path
}

// Seal a message for a key file and open it again.
func Example() {
	ctx := context.Background()
	uri := newKeyFile("team.key")

	recipient, err := envseal.Recipient(ctx, uri)
	if err != nil {
		log.Fatal(err)
	}
	var sealed bytes.Buffer
	err = envseal.Seal(ctx, &sealed, strings.NewReader("DB_PASSWORD=hunter2\n"),
		[]keyprovider.Wrapper{recipient}, &envseal.SealOptions{Context: map[string]string{"env": "prod"}})
	if err != nil {
		log.Fatal(err)
	}

	identity, err := envseal.Identity(ctx, uri)
	if err != nil {
		log.Fatal(err)
	}
	// Opening can require context pairs: a file sealed for env=dev is refused.
	err = envseal.Open(ctx, os.Stdout, &sealed, []keyprovider.Unwrapper{identity},
		&envseal.OpenOptions{Context: map[string]string{"env": "prod"}})
	if err != nil {
		log.Fatal(err)
	}
	// Output: DB_PASSWORD=hunter2
}

// Seal for two keys: either one opens the file.
func Example_multipleRecipients() {
	ctx := context.Background()
	team, breakGlass := newKeyFile("ops.key"), newKeyFile("breakglass.key")

	var recipients []keyprovider.Wrapper
	for _, uri := range []string{team, breakGlass} {
		r, err := envseal.Recipient(ctx, uri)
		if err != nil {
			log.Fatal(err)
		}
		recipients = append(recipients, r)
	}
	var sealed bytes.Buffer
	if err := envseal.Seal(ctx, &sealed, strings.NewReader("backup"), recipients, &envseal.SealOptions{Armor: true}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.SplitN(sealed.String(), "\n", 2)[0])

	info, err := envseal.Inspect(bytes.NewReader(sealed.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(info.Recipients), "recipients")

	identity, err := envseal.Identity(ctx, breakGlass)
	if err != nil {
		log.Fatal(err)
	}
	r, err := envseal.Decrypt(ctx, &sealed, []keyprovider.Unwrapper{identity}, nil)
	if err != nil {
		log.Fatal(err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", plain)
	// Output:
	// -----BEGIN ENVSEAL ENCRYPTED FILE-----
	// 2 recipients
	// backup
}

// Read the last bytes of a large sealed file: only the chunks that hold
// them are read and decrypted.
func ExampleDecryptRange() {
	ctx := context.Background()
	uri := newKeyFile("logs.key")
	recipient, err := envseal.Recipient(ctx, uri)
	if err != nil {
		log.Fatal(err)
	}
	var sealed bytes.Buffer
	w, err := envseal.Encrypt(ctx, &sealed, []keyprovider.Wrapper{recipient}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i := range 100000 {
		fmt.Fprintf(w, "line %06d\n", i)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	identity, err := envseal.Identity(ctx, uri)
	if err != nil {
		log.Fatal(err)
	}
	file := bytes.NewReader(sealed.Bytes())
	plain, size, err := envseal.DecryptRange(ctx, file, file.Size(), []keyprovider.Unwrapper{identity}, nil)
	if err != nil {
		log.Fatal(err)
	}
	last := make([]byte, 12)
	if _, err := plain.ReadAt(last, size-int64(len(last))); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes, ends with %q\n", size, last)
	// Output: 1200000 bytes, ends with "line 099999\n"
}

// Add a recipient to a sealed file without decrypting its payload, and
// remove another.
func ExampleRewrap() {
	ctx := context.Background()
	oldURI, newURI := newKeyFile("old.key"), newKeyFile("new.key")
	oldKey, err := envseal.Key(ctx, oldURI)
	if err != nil {
		log.Fatal(err)
	}
	newKey, err := envseal.Recipient(ctx, newURI)
	if err != nil {
		log.Fatal(err)
	}
	var sealed bytes.Buffer
	if err := envseal.Seal(ctx, &sealed, strings.NewReader("rotated"), []keyprovider.Wrapper{oldKey.(keyprovider.Wrapper)}, nil); err != nil {
		log.Fatal(err)
	}
	info, err := envseal.Inspect(bytes.NewReader(sealed.Bytes()))
	if err != nil {
		log.Fatal(err)
	}

	var rotated bytes.Buffer
	err = envseal.Rewrap(ctx, &rotated, &sealed, []keyprovider.Unwrapper{oldKey.(keyprovider.Unwrapper)},
		&envseal.RewrapOptions{Add: []keyprovider.Wrapper{newKey}, Remove: []string{info.Recipients[0].KeyID}})
	if err != nil {
		log.Fatal(err)
	}

	// The old key no longer opens the file; the new one does.
	_, err = envseal.Decrypt(ctx, bytes.NewReader(rotated.Bytes()), []keyprovider.Unwrapper{oldKey.(keyprovider.Unwrapper)}, nil)
	fmt.Println("old key:", err != nil)
	newID, err := envseal.Identity(ctx, newURI)
	if err != nil {
		log.Fatal(err)
	}
	if err := envseal.Open(ctx, os.Stdout, &rotated, []keyprovider.Unwrapper{newID}, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	// Output:
	// old key: true
	// rotated
}
