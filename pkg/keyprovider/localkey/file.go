package localkey

import (
	"bytes"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// pemType labels an envseal key-encryption key file.
const pemType = "ENVSEAL AES-256 KEY"

// maxKeyFileSize bounds what Load reads: a key file is a few hundred bytes.
const maxKeyFileSize = 64 << 10

// ErrNoKeyFile is matched (errors.Is) by the error for a key file that does
// not exist, so the CLI can suggest making one without suggesting it for
// every missing file.
var ErrNoKeyFile = errors.New("key file does not exist")

type missingKeyFile struct{ err error }

func (e missingKeyFile) Error() string   { return "failed to open key file: " + e.err.Error() }
func (e missingKeyFile) Unwrap() []error { return []error{e.err, ErrNoKeyFile} }

// ErrKeyFile means a key file exists but is not a valid envseal key file.
var ErrKeyFile = errors.New("not an envseal key file")

// PathFromURI returns the path of a file: URI. Both file:relative/path and
// file:///absolute/path are accepted; the path is taken literally (no
// percent-decoding) because that is what users type.
func PathFromURI(uri string) (string, error) {
	rest, ok := strings.CutPrefix(uri, "file:")
	if !ok {
		return "", fmt.Errorf("%q is not a file: URI: %w", uri, keyprovider.ErrBadURI)
	}
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		// file://HOST/path: only an empty host or localhost is local.
		host, path, _ := strings.Cut(after, "/")
		if host != "" && host != "localhost" {
			return "", fmt.Errorf("file URI %q names a remote host: %w", uri, keyprovider.ErrBadURI)
		}
		rest = "/" + path
	}
	if rest == "" || rest == "/" {
		return "", fmt.Errorf("file URI %q has no path: %w", uri, keyprovider.ErrBadURI)
	}
	return rest, nil
}

// Load reads a key-encryption key file, warning through opts when other
// users can read it. Open reads signing keys too.
func Load(path string, opts *keyprovider.Options) (*Key, error) {
	data, err := readKeyFile(path, opts)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	return loadKEK(data, path)
}

func loadKEK(data []byte, path string) (*Key, error) {
	kek, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	defer clear(kek)
	return New(kek, "file:"+path)
}

// readKeyFile reads a whole key file of at most maxKeyFileSize bytes,
// warning when other users can read it. The caller clears the bytes.
func readKeyFile(path string, opts *keyprovider.Options) ([]byte, error) {
	// A key pasted in place of the name must not reach an os.PathError.
	if err := keyprovider.CheckNotSecret(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingKeyFile{err}
	}
	if err != nil {
		return nil, fmt.Errorf("failed to open key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("failed to open key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s is not a regular file: %w", path, ErrKeyFile)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		opts.Warnf("key file %s is readable by other users (mode %04o); run: chmod 600 %s",
			path, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		clear(data)
		return nil, fmt.Errorf("failed to read key file: %w", err)
	}
	if len(data) > maxKeyFileSize {
		clear(data)
		return nil, fmt.Errorf("key file %s is too large: %w", path, ErrKeyFile)
	}
	return data, nil
}

// Parse extracts the 32-byte KEK from a key file's contents. Comment lines
// before the PEM block are allowed; anything after it but whitespace is not.
func Parse(data []byte) ([]byte, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("no PEM block found: %w", ErrKeyFile)
	}
	if block.Type != pemType {
		return nil, fmt.Errorf("PEM block is %q, want %q: %w", block.Type, pemType, ErrKeyFile)
	}
	if len(block.Headers) != 0 || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("unexpected data around the key: %w", ErrKeyFile)
	}
	if len(block.Bytes) != kekSize {
		clear(block.Bytes)
		return nil, fmt.Errorf("key is %d bytes, want %d: %w", len(block.Bytes), kekSize, ErrKeyFile)
	}
	return block.Bytes, nil
}

// Marshal encodes a KEK as a key file, with a comment naming its key id.
func Marshal(kek []byte) ([]byte, error) {
	k, err := New(kek, "")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# envseal key-encryption key: anyone with this file can open what is sealed to it.\n")
	fmt.Fprintf(&b, "# key id: %s\n", k.KeyID())
	if err := pem.Encode(&b, &pem.Block{Type: pemType, Bytes: kek}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Generate creates a new random key file at path with mode 0600. It never
// replaces an existing file unless force is set, and writes atomically and
// durably (see writeKeyFile), so a crash cannot leave a half-written key.
func Generate(path string, force bool) (*Key, error) {
	kek := make([]byte, kekSize)
	defer clear(kek)
	if _, err := rand.Read(kek); err != nil {
		return nil, err
	}
	data, err := Marshal(kek)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	if err := writeKeyFile(path, data, force); err != nil {
		return nil, err
	}
	return New(kek, "file:"+path)
}

// WriteKeyFile writes a private key file the way envseal keygen -o does
// (see writeKeyFile), for other backends whose keys are local files.
func WriteKeyFile(path string, data []byte, force bool) error {
	return writeKeyFile(path, data, force)
}

// writeKeyFile puts data at path, mode 0600, so that neither a crash nor a
// concurrent keygen can leave an empty or partial key file, and so that a
// key that was reported made is on disk: a file may be sealed to it right
// away, and losing the key then loses the file. data goes to a temp file
// in path's directory, is synced, moved into place (a link, which fails if
// path exists, so nothing is ever replaced; with force a rename), and the
// directory is synced.
func writeKeyFile(path string, data []byte, force bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".envseal-key-*")
	if err != nil {
		return fmt.Errorf("failed to create key file: %w", namePath(path, err))
	}
	// CreateTemp makes the file 0600 whatever the umask; say so anyway,
	// since a key file must never be readable by others.
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to create key file: %w", err)
	}
	if err := writeSync(tmp, data, tmp.Name()); err != nil {
		return err
	}
	if err := moveIntoPlace(tmp.Name(), path, force); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to create key file: %w", err)
	}
	syncDir(dir)
	return nil
}

// moveIntoPlace gives the synced temp file its final name. Without force it
// links and then drops the temp name: link(2) fails if path exists, where
// a rename would replace it.
func moveIntoPlace(tmp, path string, force bool) error {
	if force {
		// rename(2) onto a directory says "file exists", which with
		// --force given would read as nonsense.
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return &fs.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
		}
		if err := os.Rename(tmp, path); err != nil {
			return namePath(path, err)
		}
		return nil
	}
	if err := os.Link(tmp, path); err != nil {
		return namePath(path, err)
	}
	// The key is in place: a temp name that cannot be dropped is harmless
	// (hidden, never read) and no reason to report failure.
	os.Remove(tmp)
	return nil
}

// syncDir makes the new directory entry durable. Errors are ignored: not
// every platform or filesystem can sync a directory, and the key's bytes
// were synced before.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// writeSync writes data, syncs and closes f, removing the file on failure.
func writeSync(f *os.File, data []byte, name string) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("failed to write key file: %w", err)
	}
	return nil
}

// namePath makes err from a temp file's creation, link or rename name the
// key file the user asked for (open PATH: file exists), not the temp file
// they never heard of.
func namePath(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return &fs.PathError{Op: "open", Path: path, Err: pe.Err}
	case errors.As(err, &le):
		return &fs.PathError{Op: "open", Path: path, Err: le.Err}
	}
	return err
}
