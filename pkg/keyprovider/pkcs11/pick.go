//go:build cgo

package pkcs11

import (
	"fmt"
	"slices"
	"strings"

	p11 "github.com/miekg/pkcs11"
)

// role is what an operation needs an object to be.
type role struct {
	what  string // for messages: "wrapping needs an AES secret key"
	class uint
	types []uint
	also  *role // another kind of object that plays the role
}

var (
	roleWrap = role{"wrapping needs an AES secret key", p11.CKO_SECRET_KEY, []uint{p11.CKK_AES}, nil}
	roleSign = role{"signing needs an EC or RSA private key", p11.CKO_PRIVATE_KEY, []uint{p11.CKK_EC, p11.CKK_RSA}, nil}
)

// roleOpen is what opening a file needs: either kind of key a stanza of
// this backend can be for.
var roleOpen = role{"opening needs an AES secret key or an RSA private key", p11.CKO_SECRET_KEY, []uint{p11.CKK_AES}, &roleDecrypt}

// roleSeal is roleOpen for sealing: the same objects, so that a seal picks
// the key that will open the file.
var roleSeal = role{"sealing needs an AES secret key or an RSA private key", p11.CKO_SECRET_KEY, []uint{p11.CKK_AES}, &roleDecrypt}

func (r role) accepts(o object) bool {
	return o.class == r.class && slices.Contains(r.types, o.keyType) || r.also != nil && r.also.accepts(o)
}

// pick returns the one object matching u that can play role r. An object
// that matches but cannot (an EC key named for wrapping) is reported as
// ErrWrongKeyType rather than as missing, since that is the mistake.
func (t *token) pick(u *URI, r role) (object, error) {
	objs, err := t.findObjects(u)
	if err != nil {
		return object{}, err
	}
	if len(objs) == 0 {
		return object{}, fmt.Errorf("no object on token %q matches %s: %w", t.label, u.objectDesc(), ErrObjectNotFound)
	}
	var fit []object
	for _, o := range objs {
		if r.accepts(o) {
			fit = append(fit, o)
		}
	}
	switch len(fit) {
	case 0:
		return object{}, fmt.Errorf("%s on token %q is %s, but %s: %w", u.objectDesc(), t.label, kinds(objs), r.what, ErrWrongKeyType)
	case 1:
		return fit[0], nil
	}
	return object{}, fmt.Errorf("%d keys on token %q match %s: %w", len(fit), t.label, u.objectDesc(), ErrAmbiguous)
}

// objectDesc describes the URI's object attributes for messages.
func (u *URI) objectDesc() string {
	o := URI{Object: u.Object, ID: u.ID, Type: u.Type}
	return o.String()[len("pkcs11:"):]
}

// kinds lists the distinct kinds of objs, for messages.
func kinds(objs []object) string {
	var list []string
	for _, o := range objs {
		if k := o.kind(); !slices.Contains(list, k) {
			list = append(list, k)
		}
	}
	return strings.Join(list, " and ")
}

// kind names an object's class and key type for messages.
func (o object) kind() string {
	keyTypes := map[uint]string{p11.CKK_AES: "AES", p11.CKK_EC: "EC", p11.CKK_RSA: "RSA",
		p11.CKK_GENERIC_SECRET: "generic", p11.CKK_DES3: "DES3"}
	kt := keyTypes[o.keyType]
	if kt == "" {
		kt = fmt.Sprintf("type %#x", o.keyType)
	}
	switch o.class {
	case p11.CKO_SECRET_KEY:
		return "a secret key of type " + kt
	case p11.CKO_PRIVATE_KEY:
		return "a private key of type " + kt
	case p11.CKO_PUBLIC_KEY:
		return "a public key of type " + kt
	case p11.CKO_CERTIFICATE:
		return "a certificate"
	case p11.CKO_DATA:
		return "a data object"
	}
	return fmt.Sprintf("an object of class %#x", o.class)
}
