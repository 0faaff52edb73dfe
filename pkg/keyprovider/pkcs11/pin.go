//go:build cgo

package pkcs11

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// maxPINFile bounds what a pin-source read takes: PINs are short.
const maxPINFile = 4 << 10

// module returns the PKCS#11 library to load: the URI's module-path, else
// $ENVSEAL_PKCS11_MODULE.
func (u *URI) module() (string, error) {
	if u.ModulePath != "" {
		return u.ModulePath, nil
	}
	if m := os.Getenv(EnvModule); m != "" {
		return m, nil
	}
	return "", ErrNoModule
}

// readPIN returns the user PIN for the token labelled label, from the first
// of: pin-value, pin-source, $ENVSEAL_PKCS11_PIN, a terminal prompt. The
// caller clears the result.
func (u *URI) readPIN(label string, opts *keyprovider.Options) ([]byte, error) {
	switch {
	case u.pin != nil:
		return bytes.Clone(u.pin.b), nil
	case u.PINSource != "":
		return readPINFile(u.PINSource, opts)
	case os.Getenv(EnvPIN) != "":
		return []byte(os.Getenv(EnvPIN)), nil
	case opts != nil && opts.Prompt != nil:
		pin, err := opts.Prompt(fmt.Sprintf("PIN for PKCS#11 token %q: ", label))
		if err != nil {
			return nil, fmt.Errorf("failed to read PIN: %w", err)
		}
		return pin, nil
	}
	return nil, fmt.Errorf("%w %q", ErrNoPIN, label)
}

// readPINFile reads a pin-source file: the PIN is its first line.
func readPINFile(src string, opts *keyprovider.Options) ([]byte, error) {
	path, err := pinSourcePath(src)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to open pin-source: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		opts.Warnf("PIN file %s is readable by other users (mode %04o); run: chmod 600 %s",
			path, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPINFile+1))
	defer clear(data)
	if err != nil {
		return nil, fmt.Errorf("failed to read pin-source: %w", err)
	}
	if len(data) > maxPINFile {
		return nil, fmt.Errorf("pin-source %s is over %d bytes", path, maxPINFile)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, fmt.Errorf("pin-source %s has an empty first line: %w", path, ErrNoPIN)
	}
	return bytes.Clone(line), nil
}

// pinSourcePath turns a pin-source value into a file path. RFC 7512 makes
// it a URI; a file: URI and a plain path are what tools produce in practice.
func pinSourcePath(src string) (string, error) {
	if rest, ok := strings.CutPrefix(src, "file:"); ok {
		if after, ok := strings.CutPrefix(rest, "//"); ok {
			host, path, _ := strings.Cut(after, "/")
			if host != "" && host != "localhost" {
				return "", &URIError{Attr: "pin-source", Reason: "names a remote host"}
			}
			rest = "/" + path
		}
		src = rest
	} else if i := strings.IndexAny(src, ":/"); i > 0 && src[i] == ':' {
		return "", &URIError{Attr: "pin-source", Reason: "must be a file path or a file: URI"}
	}
	if src == "" || src == "/" {
		return "", &URIError{Attr: "pin-source", Reason: "has no path"}
	}
	return src, nil
}
