package age

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	agelib "filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// StanzaType is the type of every stanza this backend writes.
const StanzaType = "age"

const (
	// maxBody and maxKeyID are the format's stanza limits (docs/FORMAT.md).
	maxBody  = 8192
	maxKeyID = 2048

	// maxAgeStanzas bounds the age stanzas in one body. envseal writes one
	// per body (a plugin may write a few); more is refused before any key
	// work, so a hostile body cannot make one unwrap try many.
	maxAgeStanzas = 4

	// pluginAttempts is how many of a file's stanzas a plugin identity is
	// given (see keyprovider.LimitedUnwrapper): each try runs the plugin.
	pluginAttempts = 4
)

// wrap seals dataKey to rc as an age file: the stanza body.
func wrap(rc *Recipient, dataKey []byte) (*keyprovider.Stanza, error) {
	if len(dataKey) != keyprovider.DataKeySize {
		return nil, fmt.Errorf("failed to seal to %s: data key is %d bytes, want %d", rc.keyID, len(dataKey), keyprovider.DataKeySize)
	}
	cr := &countingRecipient{r: rc.r}
	var body bytes.Buffer
	w, err := agelib.Encrypt(&body, cr)
	if err == nil {
		_, err = w.Write(dataKey)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		fallback := errAge
		if rc.kind == kindPlugin {
			fallback = ErrPlugin
		}
		return nil, fmt.Errorf("failed to seal to %s: %w", short(rc.keyID), libError(err, fallback))
	}
	if cr.n > maxAgeStanzas {
		return nil, fmt.Errorf("failed to seal to %s: the recipient made %d age stanzas, more than the %d a reader accepts: %w",
			short(rc.keyID), cr.n, maxAgeStanzas, ErrPlugin)
	}
	if body.Len() > maxBody {
		return nil, fmt.Errorf("failed to seal to %s: its age file is %d bytes, more than a stanza holds (%d): %w",
			short(rc.keyID), body.Len(), maxBody, ErrPlugin)
	}
	return &keyprovider.Stanza{Type: StanzaType, KeyID: rc.keyID, Body: body.Bytes()}, nil
}

// unwrap opens a stanza body with id. noMatch is what an identity that
// does not match the body's age stanzas means: ErrUnwrap for a native
// identity (the key id said the stanza was its own), ErrNotMine for a
// plugin identity (it could not tell before trying).
func unwrap(body []byte, id agelib.Identity, noMatch, fallback error) ([]byte, error) {
	r, err := agelib.Decrypt(bytes.NewReader(body), guard{id})
	var nm *agelib.NoIdentityMatchError
	switch {
	case errors.As(err, &nm):
		return nil, noMatch
	case err != nil:
		return nil, libError(err, fallback)
	}
	dk, err := io.ReadAll(io.LimitReader(r, keyprovider.DataKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("age payload does not decrypt: %w", ErrUnwrap)
	}
	if len(dk) != keyprovider.DataKeySize {
		clear(dk)
		return nil, fmt.Errorf("age payload is %d bytes, want a %d-byte data key: %w", len(dk), keyprovider.DataKeySize, ErrUnwrap)
	}
	return dk, nil
}

// libError turns the age library's errors into this package's: a missing
// plugin, one of ours passed through (a wrong passphrase), or else the
// library's message tagged with fallback.
func libError(err, fallback error) error {
	var nf *plugin.NotFoundError
	if errors.As(err, &nf) {
		return &pluginMissingError{name: nf.Name}
	}
	for _, s := range []error{ErrUnwrap, ErrPassphrase, ErrNoPrompt, ErrKeyFile, ErrRecipient, ErrPlugin} {
		if errors.Is(err, s) {
			return err
		}
	}
	return tag(errors.New(err.Error()), fallback)
}

// guard checks a body's age stanzas before any key work: at most
// maxAgeStanzas, and no scrypt (passphrase) stanza, which no identity of
// this backend opens and which could only cost work.
type guard struct{ id agelib.Identity }

func (g guard) Unwrap(stanzas []*agelib.Stanza) ([]byte, error) {
	if len(stanzas) > maxAgeStanzas {
		return nil, fmt.Errorf("age file in the stanza has %d recipient stanzas, more than %d: %w", len(stanzas), maxAgeStanzas, ErrUnwrap)
	}
	for _, s := range stanzas {
		if s.Type == "scrypt" {
			return nil, fmt.Errorf("age file in the stanza is passphrase-encrypted: %w", ErrUnwrap)
		}
	}
	return g.id.Unwrap(stanzas)
}

// countingRecipient counts the age stanzas a recipient makes, keeping its
// labels (a post-quantum recipient's "postquantum").
type countingRecipient struct {
	r agelib.Recipient
	n int
}

func (c *countingRecipient) Wrap(fileKey []byte) ([]*agelib.Stanza, error) {
	s, _, err := c.WrapWithLabels(fileKey)
	return s, err
}

func (c *countingRecipient) WrapWithLabels(fileKey []byte) ([]*agelib.Stanza, []string, error) {
	var s []*agelib.Stanza
	var labels []string
	var err error
	if rl, ok := c.r.(agelib.RecipientWithLabels); ok {
		s, labels, err = rl.WrapWithLabels(fileKey)
	} else {
		s, err = c.r.Wrap(fileKey)
	}
	c.n += len(s)
	return s, labels, err
}

// short cuts a long key id for a message.
func short(keyID string) string {
	if len(keyID) > 72 {
		return keyID[:64] + "..."
	}
	return keyID
}
