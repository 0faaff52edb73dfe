package envelope_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

var updateVectors = flag.Bool("update-vectors", false, "regenerate testdata/vectors (changes the committed format vectors)")

const vectorDir = "../../testdata/vectors"

// vector is one committed test case: a sealed file, the keys and context to
// open it with, and what must happen, including the SHA-256 of whatever
// plaintext is released before a failure.
type vector struct {
	Name           string            `json:"name"`
	File           string            `json:"file"`
	Keys           []string          `json:"keys"`
	RequireContext map[string]string `json:"require_context,omitempty"`
	Outcome        string            `json:"outcome"`
	ReleasedSHA256 string            `json:"released_sha256"`
	ReleasedLength int               `json:"released_length"`
	Description    string            `json:"description"`
}

func TestVectors(t *testing.T) {
	if *updateVectors {
		writeVectors(t)
	}
	if *updateVectors || *updateSignedVectors {
		writeSignedVectors(t)
	}
	vs := loadVectors(t)
	if len(vs) < 10 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) { checkVector(t, v) })
	}
}

func checkVector(t *testing.T, v vector) {
	var ids []keyprovider.Unwrapper
	for _, name := range v.Keys {
		k, err := localkey.Load(filepath.Join(vectorDir, name), &keyprovider.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, k)
	}
	file, err := os.ReadFile(filepath.Join(vectorDir, v.File))
	if err != nil {
		t.Fatal(err)
	}
	released, err := sealtest.Open(context.Background(), file, v.RequireContext, ids...)
	if got := outcome(err); got != v.Outcome {
		t.Errorf("outcome %q (%v), want %q", got, err, v.Outcome)
	}
	sum := sha256.Sum256(released)
	if hex.EncodeToString(sum[:]) != v.ReleasedSHA256 || len(released) != v.ReleasedLength {
		t.Errorf("released %d bytes with another hash than the vector's %d", len(released), v.ReleasedLength)
	}
}

// outcome classifies an error into the vocabulary of vectors.json.
func outcome(err error) string {
	var (
		nm *envelope.NoMatchError
		ce *envelope.ContextError
		uv *envelope.UnsupportedVersionError
		ch *stream.ChunkError
	)
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &nm):
		return "no-matching-key"
	case errors.As(err, &ce):
		return "context-mismatch"
	case errors.As(err, &uv):
		return "unsupported-version"
	case errors.Is(err, envelope.ErrSignature):
		return "signature"
	case errors.As(err, &ch):
		return "chunk-authentication"
	case errors.Is(err, envelope.ErrHeaderMAC):
		return "header-authentication"
	case errors.Is(err, localkey.ErrUnwrap):
		return "stanza-authentication"
	case errors.Is(err, stream.ErrTruncated):
		return "truncated"
	case errors.Is(err, envelope.ErrMalformed):
		return "malformed-header"
	}
	return "other: " + err.Error()
}
