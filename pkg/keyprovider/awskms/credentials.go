package awskms

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// markedCredentials wraps the SDK's credential chain so that a failure to
// get credentials (none configured, expired SSO session, a role that
// cannot be assumed) is typed: the SDK reports it as a plain error chain,
// and it must not be taken for a network or KMS failure.
type markedCredentials struct {
	aws.CredentialsProvider
}

func (p markedCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.CredentialsProvider.Retrieve(ctx)
	if err != nil {
		return c, &credentialsError{err}
	}
	return c, nil
}

type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }
