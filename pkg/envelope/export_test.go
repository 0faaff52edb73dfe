package envelope

import (
	"testing"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// AllowDuplicateStanzas lets the test write headers with repeated (type,
// key id) pairs, as a hostile or foreign writer could.
func AllowDuplicateStanzas(t testing.TB) {
	checkStanzas = func([]*keyprovider.Stanza) error { return nil }
	t.Cleanup(func() { checkStanzas = checkDistinct })
}
