package envelope

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
)

// infoHeaderMAC separates the header MAC key from the payload keys, which
// the stream package derives from the same data key with the c2sp label.
const infoHeaderMAC = "envseal.v1 header mac"

// computeMAC returns HMAC-SHA256 over the header (all but the MAC) under a
// key derived from the data key.
func (h *Header) computeMAC(dataKey []byte) ([]byte, error) {
	input, err := h.macInput()
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Expand(sha256.New, dataKey, infoHeaderMAC, 32)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	m := hmac.New(sha256.New, key)
	m.Write(input)
	return m.Sum(nil), nil
}

func (h *Header) verifyMAC(dataKey []byte) error {
	want, err := h.computeMAC(dataKey)
	if err != nil {
		return err
	}
	if !hmac.Equal(want, h.MAC) {
		return ErrHeaderMAC
	}
	return nil
}
