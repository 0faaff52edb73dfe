package awskms_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/internal/sealtest"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/envseal/envseal/pkg/keyprovider/awskms"
)

func TestCreate(t *testing.T) {
	srv := testkms.Get(t)
	tests := []struct {
		spec, usage         string
		wantSpec, wantUsage string
	}{
		{"", "", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"},
		{"SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"},
		{"ECC_NIST_P256", "SIGN_VERIFY", "ECC_NIST_P256", "SIGN_VERIFY"},
		{"ECC_NIST_P384", "", "ECC_NIST_P384", "SIGN_VERIFY"},
		{"RSA_2048", "SIGN_VERIFY", "RSA_2048", "SIGN_VERIFY"},
		{"RSA_3072", "", "RSA_3072", "ENCRYPT_DECRYPT"},
	}
	for _, tt := range tests {
		t.Run(tt.spec+"/"+tt.usage, func(t *testing.T) {
			alias := "alias/" + randomName(t)
			k := openKey(t, srv.URI(alias))
			arn, err := k.Create(t.Context(), tt.spec, tt.usage, "made by TestCreate")
			if err != nil {
				t.Fatal(err)
			}
			out, err := k.Client().API().DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: &alias})
			if err != nil {
				t.Fatal(err)
			}
			m := out.KeyMetadata
			if *m.Arn != arn || string(m.KeySpec) != tt.wantSpec || string(m.KeyUsage) != tt.wantUsage ||
				*m.Description != "made by TestCreate" {
				t.Errorf("alias points to %s %s %s %q", *m.Arn, m.KeySpec, m.KeyUsage, *m.Description)
			}
		})
	}
}

// A new symmetric key seals and opens files right away; a signing key
// cannot make data keys, and says so.
func TestCreatedKeysInUse(t *testing.T) {
	srv := testkms.Get(t)
	sym := openKey(t, srv.URI("alias/"+randomName(t)))
	if _, err := sym.Create(t.Context(), "", "", ""); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, sealtest.Seal(t, plaintext, nil, sym), plaintext, sym)

	sig := openKey(t, srv.URI("alias/"+randomName(t)))
	if _, err := sig.Create(t.Context(), "ECC_NIST_P256", "SIGN_VERIFY", ""); err != nil {
		t.Fatal(err)
	}
	_, _, err := sig.GenerateDataKey(t.Context(), nil)
	wantKind(t, err, awskms.ErrKeyUsage)
}

// An existing alias is an error before any key is created.
func TestCreateExistingAlias(t *testing.T) {
	srv := testkms.Get(t)
	var rec testkms.Recorder
	k := openKey(t, srv.URI(testkms.DemoAlias), rec.Option())
	_, err := k.Create(t.Context(), "", "", "")
	e := wantKind(t, err, awskms.ErrAliasExists)
	if !strings.Contains(e.Error(), testkms.DemoKeyARN) {
		t.Errorf("error does not say where the alias points: %v", e)
	}
	if n := rec.Count("CreateKey"); n != 0 {
		t.Errorf("%d CreateKey calls for a taken alias", n)
	}
	// CreateAlias on its own reports the same kind, from KMS.
	err = k.Client().CreateAlias(t.Context(), testkms.DemoAlias, newKey(t))
	wantKind(t, err, awskms.ErrAliasExists)
}

func TestCreateBadArguments(t *testing.T) {
	srv := testkms.Get(t)
	var rec testkms.Recorder
	tests := []struct{ uri, spec, usage string }{
		{srv.URI("alias/x"), "AES_256", ""},
		{srv.URI("alias/x"), "ECC_NIST_P256", "ENCRYPT_DECRYPT"},
		{srv.URI("alias/x"), "SYMMETRIC_DEFAULT", "SIGN_VERIFY"},
		{srv.URI("alias/x"), "RSA_2048", "GENERATE_VERIFY_MAC"},
		{srv.URI(testkms.DemoKeyID), "", ""},  // not an alias
		{srv.URI(testkms.DemoKeyARN), "", ""}, // not an alias
	}
	for _, tt := range tests {
		k := openKey(t, tt.uri, rec.Option())
		_, err := k.Create(t.Context(), tt.spec, tt.usage, "")
		wantKind(t, err, awskms.ErrInvalidArgument)
	}
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("requests sent for bad arguments: %v", calls)
	}
	k := openKey(t, srv.URI("alias/x"))
	wantKind(t, k.Client().CreateAlias(t.Context(), "alias/aws/reserved", testkms.DemoKeyARN), awskms.ErrInvalidArgument)
}
