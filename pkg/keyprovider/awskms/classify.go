package awskms

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// apiKinds maps KMS (and AWS-wide) error codes to kinds. IncorrectKey is
// what AWS says when a pinned KeyId is not the ciphertext's key; for the
// user that is the same situation as a damaged blob.
var apiKinds = map[string]error{
	"AccessDeniedException":         ErrAccessDenied,
	"NotAuthorizedException":        ErrAccessDenied,
	"UnrecognizedClientException":   ErrCredentials,
	"InvalidSignatureException":     ErrCredentials,
	"IncompleteSignature":           ErrCredentials,
	"ExpiredTokenException":         ErrCredentials,
	"InvalidClientTokenId":          ErrCredentials,
	"NotFoundException":             ErrKeyNotFound,
	"DisabledException":             ErrKeyDisabled,
	"KMSInvalidStateException":      ErrKeyDisabled,
	"KeyUnavailableException":       ErrKeyDisabled,
	"InvalidCiphertextException":    ErrInvalidCiphertext,
	"IncorrectKeyException":         ErrInvalidCiphertext,
	"InvalidKeyUsageException":      ErrKeyUsage,
	"UnsupportedOperationException": ErrKeyUsage, // GetPublicKey of a symmetric or HMAC key
	"AlreadyExistsException":        ErrAliasExists,
	"ThrottlingException":           ErrThrottled,
	"Throttling":                    ErrThrottled,
	"TooManyRequestsException":      ErrThrottled,
	"RequestLimitExceeded":          ErrThrottled,
}

// kindOf classifies an SDK error. The SDK has already retried what it
// retries (throttling, connection failures), so a throttle or network
// error here is final.
func kindOf(err error) error {
	var credErr *credentialsError
	var signErr *v4.SigningError
	if errors.As(err, &credErr) || errors.As(err, &signErr) {
		return ErrCredentials
	}
	if unsupportedKeyType(err) {
		return ErrKeyUsage
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiKinds[apiErr.ErrorCode()]
	}
	var sendErr *smithyhttp.RequestSendError
	var opErr *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &sendErr) || errors.As(err, &opErr) || errors.As(err, &dnsErr) {
		return ErrUnreachable
	}
	return nil
}

// unsupportedKeyType reports a server saying that it cannot do the
// operation with this kind of key. For an RSA key, local-kms answers
// GenerateDataKey and ReEncrypt with a 500 InternalFailureException "key
// type not yet supported for encryption", and Encrypt (SYMMETRIC_DEFAULT)
// with one saying "unknown encryption algorithm", where AWS KMS answers
// InvalidKeyUsageException ("Algorithm SYMMETRIC_DEFAULT is incompatible
// with key spec RSA_2048"). It is permanent: retrying cannot change the
// key's type, so the retryer must not (see permanentErrors), and it means
// what InvalidKeyUsageException means.
func unsupportedKeyType(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InternalFailureException" {
		return false
	}
	m := apiErr.ErrorMessage()
	return strings.Contains(m, "key type not yet supported") || strings.Contains(m, "unknown encryption algorithm")
}

// permanentErrors keeps the SDK's retryer from retrying errors that a
// retry cannot change, though their HTTP status (500) says "server error".
type permanentErrors struct {
	aws.RetryerV2
}

func (r permanentErrors) IsErrorRetryable(err error) bool {
	return !unsupportedKeyType(err) && r.RetryerV2.IsErrorRetryable(err)
}

// detail is the useful part of an SDK error: the service's code and
// message, or the innermost network error, rather than the SDK's long
// "operation error KMS: ..., https response error ..." chain.
func detail(err error) string {
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	var opErr *net.OpError
	var credErr *credentialsError
	var signErr *v4.SigningError
	var urlErr *url.Error
	s := err.Error()
	switch {
	case errors.As(err, &credErr):
		s = credErr.Error()
	case errors.As(err, &apiErr):
		s = apiErr.ErrorCode()
		if m := apiErr.ErrorMessage(); m != "" {
			s += ": " + m
		}
	case errors.As(err, &opErr):
		s = opErr.Error()
	case errors.As(err, &urlErr) && urlErr.Timeout():
		s = urlErr.Op + " " + urlErr.URL + ": timed out waiting for an answer"
	case errors.As(err, &signErr) && signErr.Err != nil:
		s = signErr.Err.Error()
	}
	var maxErr *retry.MaxAttemptsError
	if errors.As(err, &maxErr) {
		s += fmt.Sprintf(" (after %d attempts)", maxErr.Attempt)
	}
	return clean(s)
}

// clean keeps a message to one printable line of bounded length: service
// messages can echo request fields, and errors end up in terminals and logs.
func clean(s string) string {
	const limit = 400
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "..."
	}
	return s
}
