package awskms

import "strings"

// arn is a parsed KMS ARN: arn:PARTITION:kms:REGION:ACCOUNT:RESOURCE, where
// RESOURCE is key/ID or alias/NAME. Only the shapes KMS itself issues are
// accepted, so a stanza's key id can be compared as a string once parsed.
type arn struct {
	partition, region, account, resource string
}

// parseARN parses a KMS key or alias ARN.
func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kms" {
		return arn{}, false
	}
	a := arn{partition: parts[1], region: parts[3], account: parts[4], resource: parts[5]}
	if !validPartition(a.partition) || !validRegion(a.region) || !validAccount(a.account) {
		return arn{}, false
	}
	if id, ok := strings.CutPrefix(a.resource, "key/"); ok {
		return a, validKeyID(id)
	}
	return a, validAlias(a.resource)
}

// isKey reports whether the ARN names a key rather than an alias.
func (a arn) isKey() bool { return strings.HasPrefix(a.resource, "key/") }

// keyID returns the ID part of a key ARN.
func (a arn) keyID() string { return strings.TrimPrefix(a.resource, "key/") }

// parseKeyARN parses an ARN that must name a key, as stanzas and
// --allow-key values do.
func parseKeyARN(s string) (arn, bool) {
	a, ok := parseARN(s)
	return a, ok && a.isKey()
}

// validPartition accepts aws, aws-cn, aws-us-gov, aws-iso-b and the like.
func validPartition(p string) bool {
	segs := strings.Split(p, "-")
	if len(p) > 32 || segs[0] != "aws" {
		return false
	}
	for _, s := range segs[1:] {
		if !isLower(s) {
			return false
		}
	}
	return true
}

// validRegion accepts region names such as us-east-1, us-gov-west-1 and
// eusc-de-east-1: lowercase words joined by '-', ending in a number.
func validRegion(r string) bool {
	if len(r) > 32 {
		return false
	}
	segs := strings.Split(r, "-")
	if len(segs) < 3 {
		return false
	}
	for _, s := range segs[:len(segs)-1] {
		if !isLower(s) {
			return false
		}
	}
	n := segs[len(segs)-1]
	return isDigits(n) && len(n) <= 2 && n[0] != '0'
}

func validAccount(a string) bool { return len(a) == 12 && isDigits(a) }

func isLower(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
