// Package sealtest seals and opens whole envelopes in memory, for the
// tests of envelope and of the key backends, which all need a file to
// try their keys on.
package sealtest

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// Seal encrypts plaintext for recipients under the encryption context
// encCtx and returns the whole file; any error fails t.
func Seal(t testing.TB, plaintext []byte, encCtx map[string]string, recipients ...keyprovider.Wrapper) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := envelope.Encrypt(t.Context(), &buf, recipients, encCtx)
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Open decrypts a whole file with ids, requiring the context pairs in
// required (nil: none), and returns the plaintext or the first error.
func Open(ctx context.Context, file []byte, required map[string]string, ids ...keyprovider.Unwrapper) ([]byte, error) {
	_, r, err := envelope.Decrypt(ctx, bytes.NewReader(file), ids, required)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
