//go:build cgo

package pkcs11

import (
	"encoding/binary"
	"fmt"

	p11 "github.com/miekg/pkcs11"
)

// maxMatches bounds a search: a URI meant for one key never needs more.
const maxMatches = 32

// object is a token object with the attributes used to pick and name it.
type object struct {
	h       p11.ObjectHandle
	class   uint
	keyType uint // for keys only
	label   string
	id      []byte
}

// findObjects returns the objects matching u's object, id and type.
func (t *token) findObjects(u *URI) ([]object, error) {
	var tmpl []*p11.Attribute
	if u.Object != "" {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_LABEL, u.Object))
	}
	if u.ID != nil {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_ID, u.ID))
	}
	if len(tmpl) == 0 {
		return nil, &URIError{Attr: "object", Reason: "is required to name a key (or give id=)"}
	}
	if u.Type != "" {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_CLASS, classes[u.Type]))
	}
	hs, err := t.search(tmpl)
	if err != nil {
		return nil, err
	}
	objs := make([]object, 0, len(hs))
	for _, h := range hs {
		o, err := t.describe(h)
		if err != nil {
			return nil, err
		}
		objs = append(objs, o)
	}
	return objs, nil
}

var classes = map[string]uint{
	"public": p11.CKO_PUBLIC_KEY, "private": p11.CKO_PRIVATE_KEY, "cert": p11.CKO_CERTIFICATE,
	"secret-key": p11.CKO_SECRET_KEY, "data": p11.CKO_DATA,
}

func (t *token) search(tmpl []*p11.Attribute) ([]p11.ObjectHandle, error) {
	ctx := t.mod.ctx
	if err := ctx.FindObjectsInit(t.sess, tmpl); err != nil {
		return nil, fmt.Errorf("failed to search token %q: %w", t.label, err)
	}
	hs, _, err := ctx.FindObjects(t.sess, maxMatches)
	if ferr := ctx.FindObjectsFinal(t.sess); err == nil {
		err = ferr
	}
	if err != nil {
		return nil, fmt.Errorf("failed to search token %q: %w", t.label, err)
	}
	return hs, nil
}

// describe reads an object's class, label, and for keys type and id. They
// are read in two steps because asking a data object for CKA_KEY_TYPE fails
// the whole call.
func (t *token) describe(h p11.ObjectHandle) (object, error) {
	a, err := t.attrs(h, p11.CKA_CLASS, p11.CKA_LABEL)
	if err != nil {
		return object{}, err
	}
	o := object{h: h, class: ulong(a[0]), label: string(a[1])}
	switch o.class {
	case p11.CKO_SECRET_KEY, p11.CKO_PRIVATE_KEY, p11.CKO_PUBLIC_KEY:
		a, err := t.attrs(h, p11.CKA_KEY_TYPE, p11.CKA_ID)
		if err != nil {
			return object{}, err
		}
		o.keyType, o.id = ulong(a[0]), a[1]
	}
	return o, nil
}

// attrs returns the values of the given attributes of h, in order.
func (t *token) attrs(h p11.ObjectHandle, types ...uint) ([][]byte, error) {
	tmpl := make([]*p11.Attribute, len(types))
	for i, typ := range types {
		tmpl[i] = p11.NewAttribute(typ, nil)
	}
	got, err := t.mod.ctx.GetAttributeValue(t.sess, h, tmpl)
	if err != nil {
		return nil, fmt.Errorf("failed to read object attributes on token %q: %w", t.label, err)
	}
	vals := make([][]byte, len(got))
	for i, a := range got {
		vals[i] = a.Value
	}
	return vals, nil
}

// ulong decodes a CK_ULONG attribute, which is in host byte order and as
// wide as a C unsigned long.
func ulong(b []byte) uint {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b))
	case 4:
		return uint(binary.NativeEndian.Uint32(b))
	}
	return ^uint(0)
}

func boolAttr(b []byte) bool { return len(b) == 1 && b[0] != 0 }
