package awskms

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Key is a KMS key named by an awskms URI. It is a keyprovider.Generator
// (seal) and a keyprovider.Unwrapper (open) for that key only, and a
// keyprovider.Signer when the key is an asymmetric SIGN_VERIFY key.
type Key struct {
	uri    *URI
	client *Client

	mu  sync.Mutex
	arn string // the key's ARN once known: from the URI, GenerateDataKey, DescribeKey or GetPublicKey
	// fallbackARN is the alias resolved in a fallback region, when its own
	// region failed; only opening uses it (see aliasARN).
	fallbackARN string
	resolve     sync.Mutex    // held while aliasARN resolves
	info        *keyInfo      // GetPublicKey's answer once fetched (asymmetric keys)
	kind        keyKind       // what sealing found the key to be
	rsa         *rsaRecipient // the RSA encryption key's public half, once kind is kindRSA

	// probe serialises sealing until kind is known, so that concurrent
	// seals to a new key send one GetPublicKey, not one each.
	probe sync.Mutex
}

var (
	_ keyprovider.Generator = (*Key)(nil)
	_ keyprovider.Unwrapper = (*Key)(nil)
	_ keyprovider.Signer    = (*Key)(nil)

	_ keyprovider.PublicExporter = (*Key)(nil)
)

// Open parses uri and configures a client for it. It sends no request:
// opening is cheap, and a key that is never used costs no KMS call.
func Open(ctx context.Context, uri string, opts *keyprovider.Options, optFns ...func(*kms.Options)) (*Key, error) {
	u, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(ctx, u, opts, optFns...)
	if err != nil {
		return nil, err
	}
	k := &Key{uri: u, client: c}
	if u.arn.isKey() {
		k.arn = u.KeyID
	}
	return k, nil
}

// URI returns the key's URI in canonical form.
func (k *Key) URI() string { return k.uri.String() }

// KeyID returns what is sent to KMS as KeyId: the alias, key id or ARN
// from the URI.
func (k *Key) KeyID() string { return k.uri.KeyID }

// Client returns the key's KMS client, for the datakey and keygen commands.
func (k *Key) Client() *Client { return k.client }

// ARN returns the key's ARN, asking KMS (DescribeKey) only when the URI
// names an alias or a bare key id and the ARN is not known yet. The answer
// is cached: an alias is resolved once per process.
func (k *Key) ARN(ctx context.Context) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.arn != "" {
		return k.arn, nil
	}
	arn, err := k.client.DescribeKey(ctx, k.uri.KeyID)
	if err != nil {
		return "", err
	}
	k.arn = arn
	return arn, nil
}

// learnARN records the ARN KMS reported for an alias, saving a DescribeKey
// when the same process later opens what it sealed.
func (k *Key) learnARN(arn string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.arn == "" {
		k.arn = arn
	}
}
