//go:build cgo

package pkcs11

import (
	"context"

	p11 "github.com/miekg/pkcs11"
)

// OpenSessions counts the sessions this process has open on all tokens, so
// tests can check that Keys naming one token share one session.
func OpenSessions() int {
	pool.Lock()
	defer pool.Unlock()
	n := 0
	for _, m := range pool.modules {
		for _, t := range m.tokens {
			t.mu.Lock()
			if t.open {
				n++
			}
			t.mu.Unlock()
		}
	}
	return n
}

// DecryptWithAAD opens a stanza body with the key's token key under an
// arbitrary AAD, so tests can check that the token really binds it.
func DecryptWithAAD(k *Key, body, aad []byte) ([]byte, error) {
	var pt []byte
	err := k.use(context.Background(), func(t *token) error {
		kek, err := t.kek(k.uri, p11.CKA_DECRYPT)
		if err != nil {
			return err
		}
		pt, err = t.decryptGCM(kek.h, body, aad)
		return err
	})
	return pt, err
}
