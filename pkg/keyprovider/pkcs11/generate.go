//go:build cgo

package pkcs11

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/asn1"
	"fmt"

	p11 "github.com/miekg/pkcs11"
)

// idSize is the size of the random CKA_ID given to keys whose URI has none:
// it ties a key pair's halves together and tells apart keys that reuse a
// deleted key's label.
const idSize = 8

var (
	oidP256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384 = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
)

func generate(ctx context.Context, k *Key, typ KeyType) (*Key, error) {
	u := *k.uri
	if u.ID == nil {
		u.ID = make([]byte, idSize)
		if _, err := rand.Read(u.ID); err != nil {
			return nil, err
		}
	}
	err := k.use(ctx, func(t *token) error {
		// Checked under the token lock, so two Generates in one process
		// cannot both pass; another process could still race us.
		if err := t.refuseExisting(u.Object, u.ID); err != nil {
			return err
		}
		return t.generate(typ, u.Object, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return &Key{uri: &u, opts: k.opts}, nil
}

// refuseExisting fails when any object on the token, of any class, has
// label, or when a key already has id: a key pair's halves find each other
// by id, so a shared id could pair a new private key with an old public key.
func (t *token) refuseExisting(label string, id []byte) error {
	for _, a := range []*p11.Attribute{p11.NewAttribute(p11.CKA_LABEL, label), p11.NewAttribute(p11.CKA_ID, id)} {
		hs, err := t.search([]*p11.Attribute{a})
		if err != nil {
			return err
		}
		if len(hs) == 0 {
			continue
		}
		if a.Type == p11.CKA_LABEL {
			return fmt.Errorf("token %q already has an object labelled %q: %w", t.label, label, ErrExists)
		}
		return fmt.Errorf("token %q already has an object with id %s: %w", t.label, pctEncode(string(id), nil), ErrExists)
	}
	return nil
}

func (t *token) generate(typ KeyType, label string, id []byte) error {
	var err error
	switch typ {
	case AES256:
		err = t.generateAES(label, id)
	case ECDSAP256:
		err = t.generatePair(p11.CKM_EC_KEY_PAIR_GEN, ecParams(oidP256), label, id)
	case ECDSAP384:
		err = t.generatePair(p11.CKM_EC_KEY_PAIR_GEN, ecParams(oidP384), label, id)
	case RSA3072:
		err = t.generatePair(p11.CKM_RSA_PKCS_KEY_PAIR_GEN, rsaParams(3072), label, id)
	case RSAOAEP3072:
		err = t.generateDecryptPair(3072, label, id)
	case RSAOAEP4096:
		err = t.generateDecryptPair(4096, label, id)
	default:
		return fmt.Errorf("unknown pkcs11 key type %q", typ)
	}
	if err != nil {
		return fmt.Errorf("failed to generate %s key on token %q: %w", typ, t.label, err)
	}
	return nil
}

// secretAttrs are shared by every private or secret key Generate makes: on
// the token, behind the PIN, never leaving it in the clear or wrapped.
func secretAttrs(label string, id []byte) []*p11.Attribute {
	return []*p11.Attribute{
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, true),
		p11.NewAttribute(p11.CKA_SENSITIVE, true),
		p11.NewAttribute(p11.CKA_EXTRACTABLE, false),
		p11.NewAttribute(p11.CKA_LABEL, label),
		p11.NewAttribute(p11.CKA_ID, bytes.Clone(id)),
	}
}

// generateAES makes an AES-256 key that can only encrypt and decrypt, the
// two operations of the pkcs11-aes-gcm stanza.
func (t *token) generateAES(label string, id []byte) error {
	tmpl := append(secretAttrs(label, id),
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_SECRET_KEY),
		p11.NewAttribute(p11.CKA_KEY_TYPE, p11.CKK_AES),
		p11.NewAttribute(p11.CKA_VALUE_LEN, kekSize),
		p11.NewAttribute(p11.CKA_ENCRYPT, true),
		p11.NewAttribute(p11.CKA_DECRYPT, true),
		p11.NewAttribute(p11.CKA_WRAP, false),
		p11.NewAttribute(p11.CKA_UNWRAP, false),
		p11.NewAttribute(p11.CKA_SIGN, false),
		p11.NewAttribute(p11.CKA_VERIFY, false),
		p11.NewAttribute(p11.CKA_DERIVE, false),
	)
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_AES_KEY_GEN, nil)}
	_, err := t.mod.ctx.GenerateKey(t.sess, mech, tmpl)
	return err
}

// generatePair makes a signing key pair; pub holds the algorithm's public
// parameters (curve, or modulus size and exponent).
func (t *token) generatePair(mechanism uint, pub []*p11.Attribute, label string, id []byte) error {
	pub = append(pub,
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, false),
		p11.NewAttribute(p11.CKA_VERIFY, true),
		p11.NewAttribute(p11.CKA_ENCRYPT, false),
		p11.NewAttribute(p11.CKA_WRAP, false),
		p11.NewAttribute(p11.CKA_LABEL, label),
		p11.NewAttribute(p11.CKA_ID, bytes.Clone(id)),
	)
	priv := append(secretAttrs(label, id),
		p11.NewAttribute(p11.CKA_SIGN, true),
		p11.NewAttribute(p11.CKA_DECRYPT, false),
		p11.NewAttribute(p11.CKA_UNWRAP, false),
		p11.NewAttribute(p11.CKA_DERIVE, false),
	)
	mech := []*p11.Mechanism{p11.NewMechanism(mechanism, nil)}
	_, _, err := t.mod.ctx.GenerateKeyPair(t.sess, mech, pub, priv)
	return err
}

// generateDecryptPair makes an RSA key pair for the pkcs11-rsa-oaep
// stanzas: the public key may encrypt (sealing reads it without a login),
// the private key only decrypt. Neither signs: one key, one use.
func (t *token) generateDecryptPair(bits int, label string, id []byte) error {
	pub := append(rsaParams(bits),
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, false),
		p11.NewAttribute(p11.CKA_ENCRYPT, true),
		p11.NewAttribute(p11.CKA_VERIFY, false),
		p11.NewAttribute(p11.CKA_WRAP, false),
		p11.NewAttribute(p11.CKA_LABEL, label),
		p11.NewAttribute(p11.CKA_ID, bytes.Clone(id)),
	)
	priv := append(secretAttrs(label, id),
		p11.NewAttribute(p11.CKA_DECRYPT, true),
		p11.NewAttribute(p11.CKA_SIGN, false),
		p11.NewAttribute(p11.CKA_UNWRAP, false),
		p11.NewAttribute(p11.CKA_DERIVE, false),
	)
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_RSA_PKCS_KEY_PAIR_GEN, nil)}
	_, _, err := t.mod.ctx.GenerateKeyPair(t.sess, mech, pub, priv)
	return err
}

func ecParams(curve asn1.ObjectIdentifier) []*p11.Attribute {
	der, err := asn1.Marshal(curve)
	if err != nil {
		panic(err) // a constant OID always marshals
	}
	return []*p11.Attribute{p11.NewAttribute(p11.CKA_EC_PARAMS, der)}
}

func rsaParams(bits int) []*p11.Attribute {
	return []*p11.Attribute{
		p11.NewAttribute(p11.CKA_MODULUS_BITS, bits),
		p11.NewAttribute(p11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}),
	}
}
