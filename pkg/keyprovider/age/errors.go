package age

import (
	"errors"
	"strings"

	"github.com/envseal/envseal/pkg/keyprovider"
)

var (
	// ErrRecipient is returned (wrapped) for a recipient string that does
	// not parse.
	ErrRecipient = errors.New("invalid age recipient")

	// ErrKeyFile is returned (wrapped) for an identity, recipients or SSH
	// key file that cannot be used.
	ErrKeyFile = errors.New("invalid age or SSH key file")

	// ErrNoFile is returned (wrapped) when a key file cannot be read.
	ErrNoFile = errors.New("cannot read key file")

	// ErrUnwrap is returned (wrapped) for an age stanza of this key whose
	// body does not decrypt: it was altered.
	ErrUnwrap = errors.New("age stanza does not decrypt")

	// ErrPassphrase is returned (wrapped) for a wrong SSH key passphrase.
	ErrPassphrase = errors.New("wrong passphrase")

	// ErrNoPrompt is returned (wrapped) when an SSH key needs a passphrase
	// and there is no terminal to ask on.
	ErrNoPrompt = errors.New("no terminal to ask for the passphrase")

	// errAge tags other errors of the age library.
	errAge = errors.New("age error")

	// ErrPlugin is returned (wrapped) for a failure of an age plugin.
	ErrPlugin = errors.New("age plugin failed")
)

// tagged is an error that also matches sentinels (errors.Is) without
// saying so in its message, which stays one line.
type tagged struct {
	err  error
	tags []error
}

func (e *tagged) Error() string   { return e.err.Error() }
func (e *tagged) Unwrap() []error { return append([]error{e.err}, e.tags...) }

func tag(err error, tags ...error) error { return &tagged{err: err, tags: tags} }

// pluginMissingError is an age plugin that is not on PATH.
type pluginMissingError struct{ name string }

func (e *pluginMissingError) Error() string {
	return "age-plugin-" + e.name + " was not found on PATH"
}

func (e *pluginMissingError) Unwrap() error { return ErrPlugin }

// hint explains this package's errors.
func hint(err error) string {
	var pm *pluginMissingError
	switch {
	case errors.As(err, &pm):
		return "install age-plugin-" + pm.name + " in a directory on PATH: envseal runs it for age1" +
			pm.name + "1... recipients and AGE-PLUGIN-" + strings.ToUpper(pm.name) + "-1... identities"
	case errors.Is(err, ErrRecipient):
		return "age recipients look like age1... (age-keygen -y KEY prints one) or age1NAME1... for a plugin; " +
			"SSH recipients are ssh-ed25519 or ssh-rsa public key lines"
	case errors.Is(err, ErrPassphrase):
		return "check the passphrase; ssh-keygen -y -f KEY asks for it too"
	case errors.Is(err, ErrNoPrompt):
		return "run envseal in a terminal to type the passphrase, or use a key without one"
	case errors.Is(err, ErrUnwrap):
		return "the age stanza was modified: the file is corrupted or was tampered with"
	case errors.Is(err, ErrKeyFile):
		return "age: takes an identity file (age-keygen, envseal keygen --type x25519 -o FILE) or a recipients file " +
			"(age1... or ssh-... lines); ssh: takes an SSH ed25519 or RSA key file"
	case errors.Is(err, ErrNoFile):
		return "check the path; a new age identity is made by: envseal keygen --type x25519 -o FILE"
	case errors.Is(err, ErrPlugin):
		return "the message above is the plugin's own; see its documentation"
	case errors.Is(err, keyprovider.ErrBadURI) && strings.HasPrefix(err.Error(), "ssh:"):
		return "ssh keys look like ssh:~/.ssh/id_ed25519 (private, opens) or ssh:~/.ssh/id_ed25519.pub (public, seals)"
	}
	return ""
}

// reason is a library error without the input it quotes (a recipient, or
// a line of a file that may be a secret key).
func reason(err error) string {
	msg := err.Error()
	for _, p := range []string{"malformed recipient \"", "malformed SSH recipient: \""} {
		if rest, ok := strings.CutPrefix(msg, p); ok {
			if _, after, ok := strings.Cut(rest, "\": "); ok {
				return after
			}
			return "malformed"
		}
	}
	return msg
}
