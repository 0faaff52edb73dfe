package envelope

import (
	"context"
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// tryingKey is an identity that must try stanzas to know its own (as an
// age plugin identity does), and counts the tries.
type tryingKey struct{ tries int }

func (k *tryingKey) Candidate(s *keyprovider.Stanza) bool { return s.Type == "try" }
func (k *tryingKey) UnwrapLimit() int                     { return 3 }
func (k *tryingKey) Unwrap(_ context.Context, s *keyprovider.Stanza, _ map[string]string) ([]byte, error) {
	if s.Type != "try" {
		return nil, keyprovider.ErrNotMine
	}
	k.tries++
	return nil, keyprovider.ErrNotMine
}

// A hostile file of many candidate stanzas with distinct key ids costs a
// LimitedUnwrapper UnwrapLimit tries, not one per stanza; stanzas that are
// not candidates do not count.
func TestUnwrapLimit(t *testing.T) {
	h := &Header{}
	for i := range MaxStanzas {
		typ := "try"
		if i < 5 {
			typ = "other"
		}
		h.Stanzas = append(h.Stanzas, &keyprovider.Stanza{Type: typ, KeyID: string(rune('a' + i%26)), Body: []byte{1}})
	}
	k := &tryingKey{}
	if _, err := h.DataKey(context.Background(), []keyprovider.Unwrapper{k}); err == nil {
		t.Fatal("DataKey succeeded")
	}
	if k.tries != 3 {
		t.Fatalf("%d tries, want 3", k.tries)
	}
}
