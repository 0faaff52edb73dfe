package awskms

import (
	"context"
	"fmt"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Unwrap decrypts a stanza made for this key, with KeyId pinned to the
// stanza's key ARN (or to this key's replica of the stanza's multi-Region
// key, see target) and the header's context. Stanzas of other backends and
// of other KMS keys are answered with keyprovider.ErrNotMine without a
// KMS call.
//
// An RSA stanza (RSAStanzaType) is decrypted with EncryptionAlgorithm
// RSAES_OAEP_SHA_256 and without encCtx, which KMS does not take for RSA
// keys: the header MAC binds it.
func (k *Key) Unwrap(ctx context.Context, s *keyprovider.Stanza, encCtx map[string]string) ([]byte, error) {
	if s.Type != StanzaType && s.Type != RSAStanzaType {
		return nil, keyprovider.ErrNotMine
	}
	key, err := k.target(ctx, s.KeyID)
	if err != nil {
		return nil, err
	}
	if key == "" {
		return nil, keyprovider.ErrNotMine
	}
	return k.client.unwrapAs(ctx, s, key, encCtx)
}

// target returns the key ARN to pin Decrypt to for a stanza of this key,
// or "" when the stanza is not this key's.
//
// A key ARN in the URI is compared directly. A bare key id or an alias is
// resolved once (DescribeKey, in the configured region and account) and
// the full ARNs are compared: a key id alone would match a stanza for the
// same id in any account or region, and Decrypt, which goes to the
// stanza's ARN, would then let the file choose where the caller's
// credentials are used.
//
// A key ARN or alias that names a replica of the stanza's multi-Region
// key (same partition, account and mrk- id, another region) also opens
// it, with Decrypt sent to the replica the user named: replicas share key
// material, and KMS decrypts any replica's ciphertext. The user chose
// that region and key; the file chooses nothing. A bare key id does not
// match a replica: it names the key in the configured region, and says
// nothing about other regions.
func (k *Key) target(ctx context.Context, stanzaARN string) (string, error) {
	a, ok := parseKeyARN(stanzaARN)
	switch {
	case !ok:
		return "", nil // not an ARN this backend writes
	case k.uri.arn.isKey():
		return mineOrReplica(k.uri.arn, a), nil
	case validKeyID(k.uri.KeyID):
		if a.keyID() != k.uri.KeyID {
			return "", nil // another key: no need to ask KMS
		}
		arn, err := k.ARN(ctx)
		if err != nil || arn != stanzaARN {
			return "", err
		}
		return stanzaARN, nil
	}
	arn, err := k.aliasARN(ctx)
	if err != nil {
		return "", err
	}
	mine, _ := parseKeyARN(arn)
	return mineOrReplica(mine, a), nil
}

// mineOrReplica returns the ARN to decrypt stanza s with when the user's
// key is mine: s itself, or mine when it is s's replica; else "".
func mineOrReplica(mine, s arn) string {
	switch {
	case mine == s:
		return s.String()
	case sameMRK(mine, s):
		return mine.String()
	}
	return ""
}

// aliasARN resolves the alias as ARN does and, when its region fails and
// fallback regions are set, in each fallback region in turn, where the
// alias must exist too (aliases are per region) and name a multi-Region
// key: a single-Region key in another region is another key, and could
// never open the file. The answer from a fallback region is kept apart
// from ARN's cache, which sealing and signing use.
//
// Once resolved in a fallback region, the answer is used for the rest of
// the run, so a batch does not wait for the failed region once per file.
func (k *Key) aliasARN(ctx context.Context) (string, error) {
	// One worker resolves at a time (ARN serialises DescribeKey anyway), so
	// the others find the fallback answer instead of each waiting for the
	// failed region again.
	k.resolve.Lock()
	defer k.resolve.Unlock()
	k.mu.Lock()
	fb := k.fallbackARN
	k.mu.Unlock()
	if fb != "" {
		return fb, nil
	}
	arn, err := k.ARN(ctx)
	if err == nil || len(k.client.fallback) == 0 || !regionFailed(ctx, err) {
		return arn, err
	}
	home := k.client.region
	if r := k.uri.Region(); r != "" {
		home = r
	}
	failed := []string{home}
	for i, r := range k.client.fallback {
		if r == home {
			continue
		}
		ref := k.uri.KeyID
		if k.uri.arn.region != "" {
			ref = k.uri.arn.inRegion(r).String()
		}
		got, ferr := k.client.describeIn(ctx, ref, r)
		if ferr == nil {
			a, _ := parseKeyARN(got)
			if !a.isMRK() {
				return "", &Error{Op: "describe key", Key: ref, Kind: ErrKeyNotFound,
					Err: fmt.Errorf("in %s it names %s, not a multi-Region key; only multi-Region keys fall back to other regions", r, clean(got))}
			}
			k.mu.Lock()
			k.fallbackARN = got
			k.mu.Unlock()
			k.client.opts.Warnf("KMS in %s resolved %s: %s failed (%s); falling back per --%s",
				r, k.uri.AliasName(), strings.Join(failed, ", "), kindText(err), SettingFallbackRegions)
			return got, nil
		}
		if i == len(k.client.fallback)-1 || !regionFailed(ctx, ferr) {
			return "", &regionsError{err: ferr, failed: failed}
		}
		failed = append(failed, r)
	}
	return "", err
}

// unwrapAs decrypts stanza s pinned to key, an ARN of s's key or of its
// replica, across regions for an MRK (see acrossRegions).
func (c *Client) unwrapAs(ctx context.Context, s *keyprovider.Stanza, key string, encCtx map[string]string) ([]byte, error) {
	a, _ := parseKeyARN(key)
	var dk []byte
	err := c.acrossRegions(ctx, a, func(key string) error {
		var err error
		if s.Type == RSAStanzaType {
			dk, err = c.unwrapRSA(ctx, s, key)
		} else {
			dk, err = c.unwrapStanza(ctx, s, key, encCtx)
		}
		return err
	})
	return dk, err
}

// unwrapStanza decrypts s.Body pinned to key and checks that it holds a
// data key of the right size.
func (c *Client) unwrapStanza(ctx context.Context, s *keyprovider.Stanza, key string, encCtx map[string]string) ([]byte, error) {
	return dataKeyOf(c.DecryptBlob(ctx, s.Body, encCtx, key))
}

// dataKeyOf returns the plaintext of a Decrypt that must be a data key,
// cleared and refused if it has another size: KMS decrypts any blob of
// the key's, and a file could hold one that is not a data key.
func dataKeyOf(dk *DataKey, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if len(dk.Plaintext) != keyprovider.DataKeySize {
		n := len(dk.Plaintext)
		dk.Clear()
		return nil, &Error{Op: "decrypt data key", Key: dk.KeyID, Kind: ErrBadResponse,
			Err: fmt.Errorf("data key is %d bytes, want %d", n, keyprovider.DataKeySize)}
	}
	return dk.Plaintext, nil
}
