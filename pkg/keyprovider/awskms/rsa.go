package awskms

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// RSA encryption keys (key spec RSA_2048, RSA_3072 or RSA_4096, usage
// ENCRYPT_DECRYPT) are sealed to locally: the data key is encrypted with
// RSAES-OAEP (SHA-256, MGF1 with SHA-256, empty label), which is what KMS
// calls RSAES_OAEP_SHA_256, under the key's public key. That comes from
// one GetPublicKey per Key, or from an export (envseal pubkey) with no
// request at all. Opening is one Decrypt with KeyId and
// EncryptionAlgorithm set and no EncryptionContext: KMS takes none for
// RSA keys, so the context is bound by the header MAC and the payload key
// derivation only (docs/FORMAT.md).
const (
	// RSAStanzaType is the type of stanzas wrapped for an RSA key: the
	// backend, then KMS's EncryptionAlgorithm lowercased with '-' for '_'.
	// The key id is the key ARN, the body the raw RSAES-OAEP ciphertext
	// (as long as the modulus), which is the CiphertextBlob `aws kms
	// decrypt --encryption-algorithm RSAES_OAEP_SHA_256` takes.
	RSAStanzaType = "awskms-rsaes-oaep-sha-256"
	// RSAAlgorithm is the KMS EncryptionAlgorithm of RSA stanzas.
	RSAAlgorithm = "RSAES_OAEP_SHA_256"
)

// Public key export attributes (keyprovider.PublicKey.Attrs).
const (
	attrKeyID     = "Key-Id"
	attrAlgorithm = "Algorithm"
)

const (
	opSeal   = "seal to key"
	opExport = "export public key"
)

// rsaSpecs are the RSA key specs KMS offers and their modulus sizes.
var rsaSpecs = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

// keyKind is what sealing found a key to be.
type keyKind int

const (
	kindUnknown   keyKind = iota
	kindSymmetric         // GenerateDataKey or Encrypt worked
	kindRSA               // an RSA ENCRYPT_DECRYPT key: wrapped locally
)

// rsaRecipient is the public half of an RSA encryption key: all sealing
// needs.
type rsaRecipient struct {
	arn  string
	spec string
	pub  *rsa.PublicKey
	der  []byte
}

// wrap encrypts dataKey with RSAES-OAEP-SHA-256 and an empty label.
func (r *rsaRecipient) wrap(dataKey []byte) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("data key must be %d bytes", keyprovider.DataKeySize)
	}
	body, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, r.pub, dataKey, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt data key for %s: %w", r.arn, err)
	}
	return &keyprovider.Stanza{Type: RSAStanzaType, KeyID: r.arn, Body: body}, nil
}

// export is the public key file entry for r.
func (r *rsaRecipient) export(comment string) *keyprovider.PublicKey {
	return &keyprovider.PublicKey{
		Scheme:  Scheme,
		Attrs:   map[string]string{attrKeyID: r.arn, attrAlgorithm: RSAAlgorithm},
		DER:     r.der,
		Comment: comment,
	}
}

// kmsExponent is the public exponent of every RSA key KMS makes.
const kmsExponent = 65537

// parseRSA parses a DER SubjectPublicKeyInfo that must be an RSA key of
// one of the sizes KMS makes.
func parseRSA(der []byte) (*rsa.PublicKey, string, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, "", fmt.Errorf("public key: %w", err)
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, "", errors.New("public key is not an RSA key")
	}
	if k.E != kmsExponent {
		// Every KMS RSA key has it: another is not a KMS key's, and
		// a small one (1) would make the wrap no encryption at all.
		return nil, "", fmt.Errorf("RSA public exponent is %d: KMS keys have %d", k.E, kmsExponent)
	}
	spec := fmt.Sprintf("RSA_%d", k.N.BitLen())
	if _, ok := rsaSpecs[spec]; !ok {
		return nil, "", fmt.Errorf("RSA key of %d bits: KMS makes 2048, 3072 and 4096", k.N.BitLen())
	}
	return k, spec, nil
}

// sealingKey checks that info is an RSA key envseal can seal to.
// local-kms leaves EncryptionAlgorithms out of GetPublicKey; AWS KMS lists
// them, and then RSAES_OAEP_SHA_256 must be one.
func (info *keyInfo) sealingKey(op, keyID string) (*rsaRecipient, error) {
	if info.usage != string(types.KeyUsageTypeEncryptDecrypt) {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrKeyUsage,
			Err: fmt.Errorf("key usage is %s, sealing needs ENCRYPT_DECRYPT", clean(info.usage))}
	}
	if _, ok := rsaSpecs[info.spec]; !ok {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrKeyUsage,
			Err: fmt.Errorf("key spec is %s: envseal seals to SYMMETRIC_DEFAULT and RSA keys", clean(info.spec))}
	}
	if len(info.encryption) > 0 && !slices.Contains(info.encryption, RSAAlgorithm) {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrKeyUsage,
			Err: fmt.Errorf("key allows %v, not %s", info.encryption, RSAAlgorithm)}
	}
	pub, spec, err := parseRSA(info.der)
	if err == nil && spec != info.spec {
		err = fmt.Errorf("public key is not a %s key", clean(info.spec))
	}
	if err != nil {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrBadResponse, Err: err}
	}
	return &rsaRecipient{arn: info.arn, spec: spec, pub: pub, der: info.der}, nil
}

// known returns what sealing has found the key to be.
func (k *Key) known() (keyKind, *rsaRecipient) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kind, k.rsa
}

func (k *Key) setKind(kind keyKind, r *rsaRecipient) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.kind, k.rsa = kind, r
}

// symmetricOr seals to the key the symmetric way, with call (one
// GenerateDataKey or Encrypt), unless the key is known to be an RSA key.
// When KMS refuses call for the key's usage or type, or denies it, the
// key may be an RSA encryption key: one GetPublicKey says, and then symmetricOr returns
// its public half for a local wrap, and later seals with this Key send no
// request. A symmetric key thus costs what it always did, and an RSA key
// one refused call and one GetPublicKey, once per Key.
func (k *Key) symmetricOr(ctx context.Context, call func() error) (*rsaRecipient, error) {
	kind, r := k.known()
	if kind == kindUnknown {
		k.probe.Lock()
		defer k.probe.Unlock()
		kind, r = k.known()
	}
	switch kind {
	case kindRSA:
		return r, nil
	case kindSymmetric:
		return nil, call()
	}
	err := call()
	if err == nil {
		k.setKind(kindSymmetric, nil)
		return nil, nil
	}
	if errors.Is(err, ErrAccessDenied) {
		// AWS may check kms:GenerateDataKey (or kms:Encrypt) before
		// the key's usage: a principal allowed only kms:GetPublicKey
		// on an RSA key is denied rather than refused. Ask; if the key
		// is not one (or the ask fails), the denial is the answer.
		if r, lerr := k.learnRSA(ctx, err); lerr == nil {
			return r, nil
		}
		return nil, err
	}
	if !errors.Is(err, ErrKeyUsage) {
		return nil, err
	}
	return k.learnRSA(ctx, err)
}

// learnRSA asks KMS (GetPublicKey) whether a key that refused a symmetric
// operation with cause is an RSA encryption key, and remembers it if so.
func (k *Key) learnRSA(ctx context.Context, cause error) (*rsaRecipient, error) {
	info, err := k.keyInfo(ctx)
	if err != nil {
		// A symmetric key of another kind (HMAC): what the first call
		// said is the better message.
		return nil, cause
	}
	r, err := info.sealingKey(opSeal, k.uri.KeyID)
	if err != nil {
		return nil, err
	}
	k.setKind(kindRSA, r)
	return r, nil
}

// wrapRSA makes a fresh data key and wraps it for r.
func wrapRSA(r *rsaRecipient) ([]byte, *keyprovider.Stanza, error) {
	dk := make([]byte, keyprovider.DataKeySize)
	if _, err := rand.Read(dk); err != nil {
		return nil, nil, err
	}
	s, err := r.wrap(dk)
	if err != nil {
		clear(dk)
		return nil, nil, err
	}
	return dk, s, nil
}

// ExportPublic returns the public key file entry of an RSA encryption
// key: its ARN, the algorithm and the DER public key, from one
// GetPublicKey. A SIGN_VERIFY key is keyprovider.ErrUnsupported here
// (envseal pubkey then exports it as a signing key); a symmetric key is
// an error of its own, with a hint.
func (k *Key) ExportPublic(ctx context.Context) (*keyprovider.PublicKey, error) {
	info, err := k.keyInfo(ctx)
	if err != nil {
		if errors.Is(err, ErrKeyUsage) {
			return nil, &Error{Op: opExport, Key: k.uri.KeyID, Kind: ErrKeyUsage,
				Err: errors.New("a symmetric key has no public half")}
		}
		return nil, err
	}
	if info.usage == string(types.KeyUsageTypeSignVerify) {
		return nil, fmt.Errorf("%s is a signing key: %w", k.uri.KeyID, keyprovider.ErrUnsupported)
	}
	r, err := info.sealingKey(opExport, k.uri.KeyID)
	if err != nil {
		return nil, err
	}
	k.setKind(kindRSA, r)
	return r.export(fmt.Sprintf("AWS KMS key %s (%s, %s), usage ENCRYPT_DECRYPT", k.URI(), r.arn, r.spec)), nil
}

// unwrapRSA decrypts an RSA stanza in KMS, pinned to its key ARN, with no
// encryption context (KMS takes none for RSA keys).
func (c *Client) unwrapRSA(ctx context.Context, s *keyprovider.Stanza, key string) ([]byte, error) {
	if !validRSABody(s.Body) {
		return nil, &Error{Op: "decrypt data key", Key: s.KeyID, Kind: ErrInvalidCiphertext,
			Err: fmt.Errorf("RSA ciphertext is %d bytes, want 256, 384 or 512", len(s.Body))}
	}
	return dataKeyOf(c.DecryptWith(ctx, s.Body, nil, key, RSAAlgorithm))
}

// validRSABody reports whether b is as long as an RSA_2048, RSA_3072 or
// RSA_4096 ciphertext: anything else is refused without a request.
func validRSABody(b []byte) bool {
	switch len(b) {
	case 256, 384, 512:
		return true
	}
	return false
}

// PublicRecipient seals to an exported RSA key (--key pub:FILE) with no
// AWS configuration, credentials or network: its stanzas are those the
// live key writes, and the live key (awskms:///ARN, or an alias of it)
// opens them.
type PublicRecipient struct {
	r *rsaRecipient
}

var (
	_ keyprovider.Wrapper        = (*PublicRecipient)(nil)
	_ keyprovider.PublicExporter = (*PublicRecipient)(nil)
)

// NewPublicRecipient makes a sealing key from a public key file entry of
// this backend (keyprovider.Backend.Public).
func NewPublicRecipient(pk *keyprovider.PublicKey) (*PublicRecipient, error) {
	if err := pk.CheckAttrs(attrKeyID, attrAlgorithm); err != nil {
		return nil, err
	}
	arn, alg := pk.Attrs[attrKeyID], pk.Attrs[attrAlgorithm]
	if !isKeyARN(arn) {
		return nil, fmt.Errorf("awskms public key: %s is not a KMS key ARN: %w", attrKeyID, keyprovider.ErrPublicFile)
	}
	if alg != RSAAlgorithm {
		return nil, fmt.Errorf("awskms public key: algorithm %q: envseal seals to KMS RSA keys with %s: %w",
			clean(alg), RSAAlgorithm, keyprovider.ErrUnsupported)
	}
	pub, spec, err := parseRSA(pk.DER)
	if err != nil {
		return nil, fmt.Errorf("awskms public key: %w: %w", err, keyprovider.ErrPublicFile)
	}
	return &PublicRecipient{&rsaRecipient{arn: arn, spec: spec, pub: pub, der: pk.DER}}, nil
}

// URI returns the URI of the live key, which opens what this seals.
func (p *PublicRecipient) URI() string { return Scheme + ":///" + p.r.arn }

// ARN returns the key's ARN.
func (p *PublicRecipient) ARN() string { return p.r.arn }

// Wrap wraps dataKey for the key, locally.
func (p *PublicRecipient) Wrap(_ context.Context, dataKey []byte, _ map[string]string) (*keyprovider.Stanza, error) {
	return p.r.wrap(dataKey)
}

// ExportPublic returns the entry again, so that exports can be combined.
func (p *PublicRecipient) ExportPublic(context.Context) (*keyprovider.PublicKey, error) {
	return p.r.export(fmt.Sprintf("AWS KMS key %s (%s), usage ENCRYPT_DECRYPT", p.r.arn, p.r.spec)), nil
}
