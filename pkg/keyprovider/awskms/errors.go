package awskms

import (
	"errors"
	"strings"
)

// Kinds of failure, for errors.Is. Every error this package returns from a
// KMS call is an *Error whose Kind is one of these (or nil when the cause
// is not one a user can act on differently).
var (
	ErrAccessDenied      = errors.New("access denied")
	ErrCredentials       = errors.New("no usable AWS credentials")
	ErrKeyNotFound       = errors.New("key not found")
	ErrKeyDisabled       = errors.New("key is disabled or not in a usable state")
	ErrInvalidCiphertext = errors.New("invalid ciphertext or wrong encryption context")
	ErrKeyUsage          = errors.New("the key's usage does not allow this operation")
	ErrKeySpec           = errors.New("envseal does not sign with this kind of key")
	ErrThrottled         = errors.New("throttled by KMS after retries")
	ErrUnreachable       = errors.New("cannot reach the KMS endpoint")
	ErrAliasExists       = errors.New("alias already exists")
	ErrNoRegion          = errors.New("no AWS region configured")
	ErrConfig            = errors.New("unusable AWS configuration")
	ErrBadResponse       = errors.New("unexpected response from KMS")
	ErrInvalidArgument   = errors.New("invalid argument")
)

// Error is a failed KMS operation. It prints as one line, "failed to OP
// with KEY: KIND: DETAIL", where DETAIL is the service's error code and
// message or the network error, cleaned of control characters. KMS never
// puts key material in its errors and neither does this package.
type Error struct {
	Op   string // what was being done, e.g. "decrypt data key"
	Key  string // the KeyId sent to KMS, if any
	Kind error  // one of the Err* kinds above, or nil
	Err  error  // the underlying SDK error, or nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("failed to " + e.Op)
	if e.Key != "" {
		b.WriteString(" with " + e.Key)
	}
	if e.Kind != nil {
		b.WriteString(": " + e.Kind.Error())
	}
	if d := detail(e.Err); d != "" {
		b.WriteString(": " + d)
	}
	return b.String()
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Kind, e.Err} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Hint returns a suggested next step for the CLI's "hint:" line, or "".
// The CLI finds it with errors.As(err, &h) for h interface{ Hint() string }.
func (e *Error) Hint() string {
	if e.Op == opExport {
		if h, ok := exportHints[e.Kind]; ok {
			return h
		}
	}
	if e.Op == opSign || e.Op == opPublicKey {
		if h, ok := signingHints[e.Kind]; ok {
			return h
		}
	}
	return hints[e.Kind]
}

// wrapErr classifies an SDK error from operation op on key.
func wrapErr(op, key string, err error) error {
	return &Error{Op: op, Key: key, Kind: kindOf(err), Err: err}
}
