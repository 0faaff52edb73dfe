package awskms

import "strings"

// maxAliasLen is KMS's limit on an alias name, "alias/" included.
const maxAliasLen = 256

// validKeyRef reports whether s is something KMS accepts as a KeyId: an
// alias name (alias/NAME), a key id (UUID or multi-Region mrk-...), or a
// key or alias ARN. Only lowercase key ids are accepted
// because that is how KMS prints them; one spelling per key keeps
// comparisons and URIs canonical.
func validKeyRef(s string) bool {
	switch {
	case strings.HasPrefix(s, "alias/"):
		return validAlias(s)
	case strings.HasPrefix(s, "arn:"):
		_, ok := parseARN(s)
		return ok
	default:
		return validKeyID(s)
	}
}

// validAlias checks "alias/NAME" against KMS's alias name rules, and
// also rejects empty path segments (alias/a//b, alias/a/), which KMS
// allows but which are far more likely typos than names.
func validAlias(s string) bool {
	name, ok := strings.CutPrefix(s, "alias/")
	if !ok || name == "" || len(s) > maxAliasLen {
		return false
	}
	if name[0] == '/' || name[len(name)-1] == '/' || strings.Contains(name, "//") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validKeyID accepts a single-Region key id (a lowercase UUID) or a
// multi-Region one (mrk- and 32 lowercase hex digits).
func validKeyID(s string) bool {
	if hex, ok := strings.CutPrefix(s, "mrk-"); ok {
		return len(hex) == 32 && isLowerHex(hex)
	}
	parts := strings.Split(s, "-")
	if len(parts) != 5 {
		return false
	}
	for i, n := range [5]int{8, 4, 4, 4, 12} {
		if len(parts[i]) != n || !isLowerHex(parts[i]) {
			return false
		}
	}
	return true
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return s != ""
}
