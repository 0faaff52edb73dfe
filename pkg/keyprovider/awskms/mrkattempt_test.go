package awskms_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// A hostile file can name the user's multi-Region key in 64 made-up
// regions: every one is a "replica" the user's key would open, but they
// are one key, so a failing unwrap is tried once, not 64 times.
func TestMRKReplicaStanzasFailOnce(t *testing.T) {
	srv := testkms.Get(t)
	mrkARN := "arn:aws:kms:" + testkms.Region + ":" + testkms.AccountID + ":key/" + testkms.MRKKeyID
	file := sealtest.Seal(t, []byte("x"), nil, openKey(t, srv.URI(testkms.MRKAlias)))
	hostile := editHeader(t, file, func(h *envelope.Header) {
		var st []*keyprovider.Stanza
		for i := range 64 {
			st = append(st, &keyprovider.Stanza{
				Type:  h.Stanzas[0].Type,
				KeyID: fmt.Sprintf("arn:aws:kms:zz-test-%d:%s:key/%s", i+1, testkms.AccountID, testkms.MRKKeyID),
				Body:  bytes.Repeat([]byte{byte(i)}, len(h.Stanzas[0].Body)),
			})
		}
		h.Stanzas = st
	})
	var rec testkms.Recorder
	key := openKey(t, srv.URI(mrkARN), rec.Option())
	h, err := envelope.Parse(bytes.NewReader(hostile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.DataKey(t.Context(), []keyprovider.Unwrapper{key}); err == nil {
		t.Fatal("garbage stanzas unwrapped")
	}
	if n := rec.Count("Decrypt"); n != 1 {
		t.Errorf("%d Decrypt calls for 64 replica stanzas of one key, want 1", n)
	}
}
