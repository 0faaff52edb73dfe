package envelope_test

import (
	"context"
	"errors"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// Two recipients that write the same type and key id (a pub: export that
// names a real key's id over another key, next to the real key) would
// leave the second unreachable: the reader tries a key once per type and
// key id. Seal and rewrap refuse to write such a header.
func TestDuplicateStanzaRefused(t *testing.T) {
	a, b := newKey(t, 1), newKey(t, 2)
	ctx := context.Background()
	_, _, err := envelope.NewHeader(ctx, []keyprovider.Wrapper{stanzaOnly{}, a, stanzaOnly{}}, nil)
	if !errors.Is(err, envelope.ErrDuplicateStanza) {
		t.Fatalf("NewHeader with two future-kms k1 stanzas: %v, want ErrDuplicateStanza", err)
	}
	// Distinct key ids of one type are fine.
	if _, _, err := envelope.NewHeader(ctx, []keyprovider.Wrapper{a, b}, nil); err != nil {
		t.Fatalf("two keys: %v", err)
	}
	file := sealtest.Seal(t, []byte("x"), nil, a)
	h, dk, s, prefix := rewrapInputs(t, file, a, stanzaOnly{})
	if _, err := envelope.Rewrap(h, dk, []*keyprovider.Stanza{h.Stanzas[0], s, s}, prefix); !errors.Is(err, envelope.ErrDuplicateStanza) {
		t.Errorf("Rewrap with a stanza twice: %v, want ErrDuplicateStanza", err)
	}
	if _, err := envelope.Rewrap(h, dk, []*keyprovider.Stanza{h.Stanzas[0], s}, prefix); err != nil {
		t.Errorf("Rewrap: %v", err)
	}
}
