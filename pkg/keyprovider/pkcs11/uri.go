package pkcs11

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// URI is a parsed pkcs11: key URI (RFC 7512), limited to the attributes
// envseal acts on. Parsing is strict: an attribute envseal would ignore is an
// error, so that a URI never silently selects something other than what its
// author meant.
type URI struct {
	// Path attributes: which token, and which object on it.
	Token  string // token label
	Serial string // token serial number
	SlotID *uint  // slot id, for tokens without a usable label
	Object string // object label (CKA_LABEL)
	ID     []byte // object id (CKA_ID), percent-encoded bytes in the URI
	Type   string // object class: public, private, cert, secret-key or data

	// Query attributes: how to reach and log in to the token.
	ModulePath string // absolute path of the PKCS#11 library
	PINSource  string // file holding the PIN: a path or a file: URI

	pin *secret // pin-value, which String never prints
}

// secret holds a pin-value. It is a pointer to a struct so that printing a
// URI with %#v shows an address, not the PIN.
type secret struct{ b []byte }

// URIError explains why a pkcs11: URI was rejected. It names the attribute
// but never quotes the URI or a value, since a URI may carry a PIN.
type URIError struct {
	Attr   string // attribute name, or "" for the URI as a whole
	Reason string
}

func (e *URIError) Error() string {
	if e.Attr == "" {
		return "invalid pkcs11 URI: " + e.Reason
	}
	return fmt.Sprintf("invalid pkcs11 URI: attribute %q: %s", e.Attr, e.Reason)
}

// Unwrap makes a URIError match keyprovider.ErrBadURI.
func (e *URIError) Unwrap() error { return keyprovider.ErrBadURI }

var objectTypes = []string{"public", "private", "cert", "secret-key", "data"}

// ParseURI parses a pkcs11: URI.
func ParseURI(s string) (*URI, error) {
	rest, ok := strings.CutPrefix(s, "pkcs11:")
	if !ok {
		return nil, &URIError{Reason: `does not start with "pkcs11:"`}
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	u := &URI{}
	if err := parseAttrs(path, ';', pathChars, u.setPath); err != nil {
		return nil, err
	}
	if hasQuery {
		if query == "" {
			return nil, &URIError{Reason: `empty query after "?"`}
		}
		if err := parseAttrs(query, '&', queryChars, u.setQuery); err != nil {
			return nil, err
		}
	}
	if u.pin != nil && u.PINSource != "" {
		return nil, &URIError{Attr: "pin-value", Reason: "cannot be combined with pin-source"}
	}
	return u, nil
}

// parseAttrs splits s at sep into name=value attributes and hands each
// decoded value to set. An empty s has no attributes.
func parseAttrs(s string, sep byte, allowed *[256]bool, set func(name, value string) error) error {
	if s == "" {
		return nil
	}
	seen := map[string]bool{}
	for i, part := range strings.Split(s, string(sep)) {
		name, raw, ok := strings.Cut(part, "=")
		if !ok || !validName(name) {
			// The part may be a mistyped pin-value: describe it by position.
			return &URIError{Reason: fmt.Sprintf("attribute %d is not of the form name=value", i+1)}
		}
		if seen[name] {
			return &URIError{Attr: name, Reason: "appears more than once"}
		}
		seen[name] = true
		value, err := pctDecode(raw, allowed)
		if err != nil {
			return &URIError{Attr: name, Reason: err.Error()}
		}
		if value == "" {
			return &URIError{Attr: name, Reason: "is empty"}
		}
		if err := set(name, value); err != nil {
			return err
		}
	}
	return nil
}

func validName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (u *URI) setPath(name, v string) error {
	switch name {
	case "token":
		u.Token = v
	case "serial":
		u.Serial = v
	case "object":
		u.Object = v
	case "id":
		u.ID = []byte(v)
	case "slot-id":
		n, err := strconv.ParseUint(v, 10, 0)
		if err != nil {
			return &URIError{Attr: name, Reason: "is not a decimal slot number"}
		}
		slot := uint(n)
		u.SlotID = &slot
	case "type":
		if !slices.Contains(objectTypes, v) {
			return &URIError{Attr: name, Reason: "must be one of " + strings.Join(objectTypes, ", ")}
		}
		u.Type = v
	default:
		return &URIError{Attr: name, Reason: "is not supported in the path (envseal uses token, serial, slot-id, object, id, type)"}
	}
	return nil
}

func (u *URI) setQuery(name, v string) error {
	switch name {
	case "module-path":
		// A relative path would be searched for by the dynamic loader.
		if !filepath.IsAbs(v) {
			return &URIError{Attr: name, Reason: "must be an absolute path"}
		}
		u.ModulePath = v
	case "pin-source":
		u.PINSource = v
	case "pin-value":
		u.pin = &secret{b: []byte(v)}
	case "module-name":
		return &URIError{Attr: name, Reason: "is not supported; give module-path instead"}
	default:
		return &URIError{Attr: name, Reason: "is not supported in the query (envseal uses module-path, pin-source, pin-value)"}
	}
	return nil
}

// HasPINValue reports whether the URI carries a pin-value.
func (u *URI) HasPINValue() bool { return u.pin != nil }

// String formats the URI canonically: attributes in a fixed order, id fully
// percent-encoded, and pin-value left out, so the result is safe to print
// and log.
func (u URI) String() string {
	var path, query []string
	add := func(list *[]string, name, v string, allowed *[256]bool) {
		if v != "" {
			*list = append(*list, name+"="+pctEncode(v, allowed))
		}
	}
	add(&path, "token", u.Token, pathChars)
	add(&path, "serial", u.Serial, pathChars)
	if u.SlotID != nil {
		path = append(path, "slot-id="+strconv.FormatUint(uint64(*u.SlotID), 10))
	}
	add(&path, "object", u.Object, pathChars)
	add(&path, "id", string(u.ID), nil)
	add(&path, "type", u.Type, pathChars)
	add(&query, "module-path", u.ModulePath, queryChars)
	add(&query, "pin-source", u.PINSource, queryChars)
	s := "pkcs11:" + strings.Join(path, ";")
	if len(query) > 0 {
		s += "?" + strings.Join(query, "&")
	}
	return s
}
