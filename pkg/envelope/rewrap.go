package envelope

import (
	"maps"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Rewrap returns a copy of h with new stanzas and a new MAC under dataKey.
// The fixed fields are unchanged, so the payload that followed h still
// decrypts after the new header: recipients change, the payload does not.
func Rewrap(h *Header, dataKey []byte, stanzas []*keyprovider.Stanza) (*Header, error) {
	if err := h.verifyMAC(dataKey); err != nil {
		return nil, err
	}
	n := &Header{Context: maps.Clone(h.Context), Stanzas: stanzas}
	mac, err := n.computeMAC(dataKey)
	if err != nil {
		return nil, err
	}
	n.MAC = mac
	return n, nil
}
