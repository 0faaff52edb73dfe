package keyprovider

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// PublicBlockType is the PEM type of a public key entry of a pub: file.
const PublicBlockType = "ENVSEAL PUBLIC KEY"

// publicBackendAttr is the PEM header naming an entry's backend.
const publicBackendAttr = "Backend"

// ErrPublicFile is returned (wrapped) for a public key file that cannot be
// parsed.
var ErrPublicFile = errors.New("invalid public key file")

// MarshalPublic encodes public keys as a public key file: text, safe to
// commit, and readable by people. Each entry is preceded by its comment as
// "# " lines, then is either its recipient line or a PEM block of type
// "ENVSEAL PUBLIC KEY" whose headers are "Backend: SCHEME" and the Attrs,
// and whose bytes are the DER. A file of age recipient lines only is also
// a recipients file for age -R.
func MarshalPublic(keys ...*PublicKey) ([]byte, error) {
	var b bytes.Buffer
	for _, k := range keys {
		for _, line := range strings.Split(k.Comment, "\n") {
			if line != "" {
				fmt.Fprintf(&b, "# %s\n", line)
			}
		}
		if k.Line != "" {
			b.WriteString(k.Line + "\n")
			continue
		}
		headers := map[string]string{publicBackendAttr: k.Scheme}
		for name, v := range k.Attrs {
			if strings.ContainsAny(name, ":\r\n") || strings.ContainsAny(v, "\r\n") || name == publicBackendAttr {
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
	scheme := block.Headers[publicBackendAttr]
	if scheme == "" {
		return nil, fmt.Errorf("%s block has no %s header: %w", PublicBlockType, publicBackendAttr, ErrPublicFile)
	}
	attrs := make(map[string]string, len(block.Headers))
	for name, v := range block.Headers {
		if name != publicBackendAttr {
			attrs[name] = v
		}
	}
	return &PublicKey{Scheme: scheme, Attrs: attrs, DER: block.Bytes}, nil
}
