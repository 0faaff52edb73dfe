package sign

import (
	"bytes"
	"encoding/base64"
)

// Armor encodes a signature as one line of standard base64 with a trailing
// newline, for pasting into text: `base64 -d` turns it back into the
// binary signature OpenSSL reads.
func Armor(sig []byte) []byte {
	out := make([]byte, base64.StdEncoding.EncodedLen(len(sig)), base64.StdEncoding.EncodedLen(len(sig))+1)
	base64.StdEncoding.Encode(out, sig)
	return append(out, '\n')
}

// Dearmor returns the binary signature in data, decoding it if it is
// armored (base64, surrounding whitespace and line breaks allowed). A
// binary signature is never mistaken for base64: a DER ECDSA signature
// always holds the byte 0x02, and the chance that a 64-byte or longer
// random-looking RSA or Ed25519 signature is all base64 characters and
// whitespace is below 2^-100.
func Dearmor(data []byte) []byte {
	text := bytes.Join(bytes.Fields(data), nil)
	if len(text) == 0 || len(text)%4 != 0 {
		return data
	}
	for _, c := range text {
		if !isBase64(c) {
			return data
		}
	}
	sig, err := base64.StdEncoding.DecodeString(string(text))
	if err != nil {
		return data
	}
	return sig
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}
