package awskms_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

func TestGenerateDataKeyAndDecryptBlob(t *testing.T) {
	srv := testkms.Get(t)
	k := openKey(t, srv.URI(testkms.DemoAlias))
	encCtx := map[string]string{"purpose": "demo"}
	for spec, size := range map[string]int{"AES_256": 32, "AES_128": 16} {
		t.Run(spec, func(t *testing.T) {
			dk, err := k.Client().GenerateDataKey(t.Context(), k.KeyID(), spec, encCtx)
			if err != nil {
				t.Fatal(err)
			}
			if len(dk.Plaintext) != size || dk.KeyID != testkms.DemoKeyARN || len(dk.CiphertextBlob) == 0 {
				t.Fatalf("got %d-byte key from %q, %d-byte blob", len(dk.Plaintext), dk.KeyID, len(dk.CiphertextBlob))
			}
			// Unpinned (the blob says which key), and pinned by alias and ARN.
			for _, pin := range []string{"", testkms.DemoAlias, testkms.DemoKeyARN} {
				got, err := k.Client().DecryptBlob(t.Context(), dk.CiphertextBlob, encCtx, pin)
				if err != nil {
					t.Fatalf("pin %q: %v", pin, err)
				}
				if !bytes.Equal(got.Plaintext, dk.Plaintext) || got.KeyID != testkms.DemoKeyARN {
					t.Fatalf("pin %q: decrypted another key", pin)
				}
			}
			_, err = k.Client().DecryptBlob(t.Context(), dk.CiphertextBlob, map[string]string{"purpose": "other"}, "")
			wantKind(t, err, awskms.ErrInvalidCiphertext)
			// Pinned to another key. AWS answers IncorrectKeyException,
			// local-kms InvalidCiphertextException; both are this kind.
			_, err = k.Client().DecryptBlob(t.Context(), dk.CiphertextBlob, encCtx, newKey(t))
			wantKind(t, err, awskms.ErrInvalidCiphertext)
		})
	}
}

// The JSON field names are those of `aws kms generate-data-key`.
func TestDataKeyJSON(t *testing.T) {
	b, err := json.Marshal(&awskms.DataKey{CiphertextBlob: []byte{1}, Plaintext: []byte{2}, KeyID: "arn"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"CiphertextBlob":"AQ==","Plaintext":"Ag==","KeyId":"arn"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}

// Bad arguments fail before any request.
func TestDataKeyBadArguments(t *testing.T) {
	srv := testkms.Get(t)
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	for _, spec := range []string{"", "AES_512", "aes_256", "SYMMETRIC_DEFAULT"} {
		_, err := k.Client().GenerateDataKey(t.Context(), k.KeyID(), spec, nil)
		wantKind(t, err, awskms.ErrInvalidArgument)
	}
	for _, blob := range [][]byte{nil, make([]byte, 6145)} {
		_, err := k.Client().DecryptBlob(t.Context(), blob, nil, "")
		wantKind(t, err, awskms.ErrInvalidCiphertext)
	}
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("requests sent: %v", calls)
	}
}
