package envelope

import (
	"maps"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// PayloadPrefixSize is the size of the salt and key commitment that start
// the payload: what Rewrap needs to read of it.
const PayloadPrefixSize = stream.PrefixSize

// Rewrap returns a copy of h with new stanzas and a new MAC under dataKey.
// The fixed fields are unchanged, so the payload that followed h still
// decrypts after the new header: recipients change, the payload does not.
//
// prefix is the first PayloadPrefixSize bytes of that payload. Its key
// commitment is checked against dataKey (in constant time) before the new
// MAC is made: the new header vouches for the payload it will precede, so
// a payload spliced from another file, or corrupted at its start, is
// refused rather than re-MACed. The chunks after it are not checked; they
// still fail when the file is opened.
//
// A signed header is refused with ErrSigned: new stanzas change the signed
// bytes, so the file must be signed again (or re-sealed unsigned) whole.
func Rewrap(h *Header, dataKey []byte, stanzas []*keyprovider.Stanza, prefix []byte) (*Header, error) {
	if h.Signer != nil {
		return nil, ErrSigned
	}
	if err := h.checkOwnPayload(dataKey, prefix); err != nil {
		return nil, err
	}
	if err := checkStanzas(stanzas); err != nil {
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
