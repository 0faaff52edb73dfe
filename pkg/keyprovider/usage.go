package keyprovider

// UsageError is an error in how the user asked for something (a flag
// that does not apply to this backend), not a failure of the backend.
// The command line reports it as its own usage errors: with Hint, and
// exit status 2.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }
