package envelope

import (
	"errors"
	"fmt"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// ErrDuplicateStanza means a header being written would hold two stanzas
// with the same type and key id.
var ErrDuplicateStanza = errors.New("two stanzas with the same type and key id")

// checkDistinct refuses stanzas that repeat a (type, key id) pair. A
// reader tries each key once per type and key id (see UnwrapDataKey), so
// of two such stanzas only the first is ever tried: with public
// recipients the two can be wrapped to different keys (a stale or spoofed
// pub: export naming a real key id, next to the real key), and a file
// whose first one is not the holder's would lock that holder out although
// it authenticates. Every header writer (NewHeader, Rewrap) checks, so no
// path makes such a file.
// checkStanzas is checkDistinct, swapped out by tests that make the files
// another writer could.
var checkStanzas = checkDistinct

func checkDistinct(stanzas []*keyprovider.Stanza) error {
	type id struct{ typ, keyID string }
	seen := make(map[id]int, len(stanzas))
	for i, s := range stanzas {
		k := id{s.Type, s.KeyID}
		if j, ok := seen[k]; ok {
			return fmt.Errorf("recipients %d and %d both make %s stanzas for key id %q: a reader tries only the first; drop one (is a pub: file stale, or naming another key's id?): %w",
				j+1, i+1, s.Type, s.KeyID, ErrDuplicateStanza)
		}
		seen[k] = i
	}
	return nil
}
