package keyprovider

import "context"

// Backend is everything envseal knows about one key URI scheme. A backend
// package builds one and passes it to Register from its init function;
// the command line finds it from there and names no backend package.
//
// Adding a backend is one package plus one line:
//
//  1. Write pkg/keyprovider/NAME with a Key type (Wrapper and/or
//     Unwrapper, maybe Signer) and, in init,
//     keyprovider.Register(keyprovider.Backend{Scheme: "NAME", Open: open}),
//     filling in the optional fields for what the backend can do.
//  2. Add a blank import of the package to internal/cli/backends.go.
//
// Test the package against a real server or device (see internal/testkms
// and internal/testhsm), not a mock: what breaks a backend is what the
// service really answers. internal/backendtest registers a complete toy
// backend and runs the commands through it: a worked example.
//
// Only Scheme and Open are required. A nil field means the backend does
// not do that: its keys are not made by keygen, its errors get no hint,
// and so on.
type Backend struct {
	// Scheme is the URI scheme the backend handles ("file", "awskms").
	Scheme string

	// Open opens the key named by a URI of this scheme.
	Open OpenFunc

	// Aliases are more schemes whose URIs Open also takes ("ssh" for a
	// backend whose keys may be SSH key files).
	Aliases []string

	// Bare reports whether s, a key given with no scheme at all, is one
	// of this backend's recipient strings ("age1..."). Such strings are
	// recognised by their exact syntax, never guessed from a path; Open
	// then receives s as it is.
	Bare func(s string) bool

	// Public makes a key that seals to an exported public key of this
	// backend (see PublicKey and envseal pubkey) without contacting the
	// backend: the stanza it writes is the one the key itself would.
	Public func(pk *PublicKey, opts *Options) (Key, error)

	// Example is a typical key URI ("awskms:///alias/NAME"), shown when a
	// URI cannot be parsed.
	Example string

	// Keygen creates a key inside the backend (envseal keygen --key). It
	// reports a flag that does not apply as a *UsageError.
	Keygen KeygenFunc

	// Files is set for keys that are local files (envseal keygen -o).
	Files *FileKeys

	// Hint returns a one-line next step for one of the backend's errors,
	// or "" for an error it does not know.
	Hint func(err error) string

	// Close releases what the backend holds for the whole process (PKCS#11
	// sessions and modules). The command line calls it once, at exit.
	Close func() error

	// Settings are the backend's options that do not belong in a key URI
	// (an AWS region); each becomes a global flag. See Setting.
	Settings []Setting

	// Complete is what shell completion offers for this backend.
	Complete Completion

	// Discover returns an unwrapper that tries the backend's stanzas in a
	// file without the user naming a key (open --discovery). allow, when
	// not empty, limits it to those key ids.
	Discover func(ctx context.Context, opts *Options, allow []string) (Unwrapper, error)

	// SecretEnv names the environment variables that hold the backend's
	// secrets (a PIN). envseal exec keeps them from the command it runs,
	// which has no need for them.
	SecretEnv []string

	// RewrapFallback classifies an error of this backend's Rewrap: when
	// rewrap should wrap the data key afresh instead (the service allows
	// encrypting but not re-encrypting), it returns the warning to print,
	// one line; otherwise "". See Rewrapper.
	RewrapFallback func(err error) string
}

// OpenFunc opens the key named by uri. It must not contact a remote service
// unless the operation needs it: opening is cheap, wrapping does the work.
type OpenFunc func(ctx context.Context, uri string, opts *Options) (Key, error)
