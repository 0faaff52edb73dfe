package awskms

import (
	"fmt"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// URI is a parsed awskms key URI:
//
//	awskms:///alias/NAME
//	awskms:///KEY-ID
//	awskms:///arn:aws:kms:REGION:ACCOUNT:key/KEY-ID
//	awskms:///arn:aws:kms:REGION:ACCOUNT:alias/NAME
//	awskms://HOST[:PORT]/...   (endpoint override, as cosign spells it)
//
// Parsing is strict and canonical: a URI is accepted only in the one
// spelling String gives back, so two URIs name the same key exactly when
// they are equal strings (up to alias resolution, which needs KMS).
type URI struct {
	// Host is the endpoint override, "host" or "host:port", IPv6 in
	// brackets. Empty means the SDK resolves the endpoint
	// (AWS_ENDPOINT_URL_KMS, config files, then the regional endpoint).
	Host string
	// KeyID is what is sent to KMS as KeyId: alias/NAME, a key id, or a
	// key or alias ARN.
	KeyID string

	arn      arn  // parsed KeyID when it is an ARN
	loopback bool // Host is a loopback address: plain http is allowed
}

// ParseURI parses an awskms URI. Errors wrap keyprovider.ErrBadURI.
func ParseURI(s string) (*URI, error) {
	rest, ok := strings.CutPrefix(s, Scheme+"://")
	if !ok {
		return nil, badURI(s, "want awskms:///KEY or awskms://HOST:PORT/KEY")
	}
	hostport, ref, ok := strings.Cut(rest, "/")
	if !ok {
		return nil, badURI(s, "no key after the host (did you mean awskms:///"+rest+"?)")
	}
	u := &URI{Host: hostport, KeyID: ref}
	if hostport != "" {
		loopback, err := checkHost(hostport)
		if err != nil {
			return nil, badURI(s, err.Error())
		}
		u.loopback = loopback
	}
	if !validKeyRef(ref) {
		return nil, badURI(s, "key must be alias/NAME, a lowercase key id, or a KMS key or alias ARN")
	}
	if strings.HasPrefix(ref, "arn:") {
		u.arn, _ = parseARN(ref)
	}
	return u, nil
}

func badURI(s, why string) error {
	return fmt.Errorf("invalid awskms URI %q: %s: %w", s, why, keyprovider.ErrBadURI)
}

// String returns the URI in its canonical form, the one ParseURI accepts.
func (u *URI) String() string {
	return Scheme + "://" + u.Host + "/" + u.KeyID
}

// Endpoint returns the endpoint URL the URI overrides, or "" for none.
// Plain http is used only for loopback hosts, where a local KMS (such as
// local-kms in tests) listens without TLS; anything else gets https, so a
// typo cannot send credentials-signed requests over the network in clear.
func (u *URI) Endpoint() string {
	switch {
	case u.Host == "":
		return ""
	case u.loopback:
		return "http://" + u.Host
	default:
		return "https://" + u.Host
	}
}

// Region returns the region named by an ARN key id, or "".
func (u *URI) Region() string { return u.arn.region }

// IsAlias reports whether the URI names an alias (by name or ARN), which
// needs a DescribeKey call to learn which key it points to.
func (u *URI) IsAlias() bool {
	return strings.HasPrefix(u.KeyID, "alias/") || strings.HasPrefix(u.arn.resource, "alias/")
}

// AliasName returns "alias/NAME" for an alias URI, or "".
func (u *URI) AliasName() string {
	switch {
	case strings.HasPrefix(u.KeyID, "alias/"):
		return u.KeyID
	case strings.HasPrefix(u.arn.resource, "alias/"):
		return u.arn.resource
	}
	return ""
}
