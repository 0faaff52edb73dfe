package keyprovider

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PublicBlockType is the PEM type of a public key entry of a pub: file.
const PublicBlockType = "ENVSEAL PUBLIC KEY"

// publicBackendAttr is the PEM header naming an entry's backend.
const publicBackendAttr = "Backend"

// publicFingerprintAttr is the PEM header holding Fingerprint(DER). It is
// checked on read, so that a change to the key shows in the file as a
// change to a line people read, not only to the base64; the backends
// never see it.
const publicFingerprintAttr = "Fingerprint"

// Fingerprint returns the fingerprint of a DER public key as an export
// shows it: "SHA256:" and the unpadded base64 of its SHA-256, as OpenSSH
// prints key fingerprints.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// CheckAttrs returns an error wrapping ErrPublicFile if pk has an
// attribute not in known: a backend's Public calls it first, so that an
// entry never carries a setting its reader would silently ignore.
func (pk *PublicKey) CheckAttrs(known ...string) error {
	for name := range pk.Attrs {
		if !slices.Contains(known, name) {
			return fmt.Errorf("%s public key: unknown attribute %q (known: %s): %w",
				pk.Scheme, name, strings.Join(known, ", "), ErrPublicFile)
		}
	}
	return nil
}

// ErrPublicFile is returned (wrapped) for a public key file that cannot be
// parsed.
var ErrPublicFile = errors.New("invalid public key file")

// MarshalPublic encodes public keys as a public key file: text, safe to
// commit, and readable by people. Each entry is preceded by its comment as
// "# " lines, then is either its recipient line or a PEM block of type
// "ENVSEAL PUBLIC KEY" whose headers are "Backend: SCHEME", the Attrs and
// "Fingerprint: " Fingerprint(DER), and whose bytes are the DER; the
// fingerprint also ends the comment. A file of age recipient lines only is
// also a recipients file for age -R.
func MarshalPublic(keys ...*PublicKey) ([]byte, error) {
	var b bytes.Buffer
	for _, k := range keys {
		comment := k.Comment
		if k.Line == "" {
			comment += "\nfingerprint " + Fingerprint(k.DER)
		}
		for _, line := range strings.Split(comment, "\n") {
			if line != "" {
				fmt.Fprintf(&b, "# %s\n", line)
			}
		}
		if k.Line != "" {
			b.WriteString(k.Line + "\n")
			continue
		}
		headers := map[string]string{publicBackendAttr: k.Scheme, publicFingerprintAttr: Fingerprint(k.DER)}
		for name, v := range k.Attrs {
			if strings.ContainsAny(name, ":\r\n") || strings.ContainsAny(v, "\r\n") || name == publicBackendAttr || name == publicFingerprintAttr {
				return nil, fmt.Errorf("public key attribute %q cannot be encoded", name)
			}
			headers[name] = v
		}
		if err := pem.Encode(&b, &pem.Block{Type: PublicBlockType, Headers: headers, Bytes: k.DER}); err != nil {
			return nil, fmt.Errorf("failed to encode public key: %w", err)
		}
	}
	return b.Bytes(), nil
}

// ParsePublic parses a public key file: blank lines and lines starting
// with '#' are skipped; a "-----BEGIN ENVSEAL PUBLIC KEY-----" line starts
// a PEM entry that runs to its END line; any other line is a recipient
// string, which must belong to a registered backend (see Backend.Bare).
// Errors name the line, never quote it.
func ParsePublic(data []byte) ([]*PublicKey, error) {
	lines := strings.Split(string(data), "\n")
	var keys []*PublicKey
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case line == "-----BEGIN "+PublicBlockType+"-----":
			end := i + 1
			for end < len(lines) && strings.TrimSpace(lines[end]) != "-----END "+PublicBlockType+"-----" {
				end++
			}
			if end == len(lines) {
				return nil, fmt.Errorf("line %d: public key block has no END line: %w", i+1, ErrPublicFile)
			}
			k, err := parsePublicBlock(strings.Join(lines[i:end+1], "\n"))
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			keys = append(keys, k)
			i = end
		default:
			b, ok := bareBackend(line)
			if !ok {
				return nil, fmt.Errorf("line %d: not a recipient or an %s block: %w", i+1, PublicBlockType, ErrPublicFile)
			}
			keys = append(keys, &PublicKey{Scheme: b.Scheme, Line: line})
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no public keys in the file: %w", ErrPublicFile)
	}
	return keys, nil
}

func parsePublicBlock(text string) (*PublicKey, error) {
	block, rest := pem.Decode([]byte(text + "\n"))
	if block == nil || block.Type != PublicBlockType || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("malformed %s block: %w", PublicBlockType, ErrPublicFile)
	}
	if name := repeatedHeader(text); name != "" {
		// encoding/pem keeps the last: the file would say one thing to a
		// reviewer and another to envseal.
		return nil, fmt.Errorf("%s block has header %q more than once: %w", PublicBlockType, name, ErrPublicFile)
	}
	scheme := block.Headers[publicBackendAttr]
	if scheme == "" {
		return nil, fmt.Errorf("%s block has no %s header: %w", PublicBlockType, publicBackendAttr, ErrPublicFile)
	}
	switch fp := block.Headers[publicFingerprintAttr]; fp {
	case "":
		return nil, fmt.Errorf("%s block has no %s header (re-export the key with envseal pubkey): %w", PublicBlockType, publicFingerprintAttr, ErrPublicFile)
	case Fingerprint(block.Bytes):
	default:
		return nil, fmt.Errorf("%s block: the key's fingerprint is %s, not the %s header's: %w",
			PublicBlockType, Fingerprint(block.Bytes), publicFingerprintAttr, ErrPublicFile)
	}
	attrs := make(map[string]string, len(block.Headers))
	for name, v := range block.Headers {
		if name != publicBackendAttr && name != publicFingerprintAttr {
			attrs[name] = v
		}
	}
	return &PublicKey{Scheme: scheme, Attrs: attrs, DER: block.Bytes}, nil
}

// repeatedHeader returns the name of a header that text, one PEM block,
// has more than once, or "". Headers are the "Name: value" lines after
// the BEGIN line, up to the first blank line (see encoding/pem).
func repeatedHeader(text string) string {
	lines := strings.Split(text, "\n")[1:]
	seen := map[string]bool{}
	for _, line := range lines {
		line = strings.TrimSpace(line)
		name, _, ok := strings.Cut(line, ":")
		if line == "" || !ok {
			break
		}
		name = strings.TrimSpace(name)
		if seen[name] {
			return name
		}
		seen[name] = true
	}
	return ""
}
