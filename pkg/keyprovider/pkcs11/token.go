//go:build cgo

package pkcs11

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/envseal/envseal/pkg/keyprovider"
	p11 "github.com/miekg/pkcs11"
)

// token is one token in a module, with the single session this process
// uses on it. One session, serialised by mu, is all envseal needs, and some
// tokens allow only a few.
type token struct {
	mu     sync.Mutex
	mod    *module
	slot   uint
	label  string
	serial string
	flags  uint

	sess     p11.SessionHandle
	open     bool
	loggedIn bool
	loginErr error // sticky: a wrong PIN is tried once per run, not until the token locks
	closed   bool
}

// findToken returns the one initialised token matching u's token, serial
// and slot-id. The pool lock must be held.
func (m *module) findToken(u *URI) (*token, error) {
	slots, err := m.ctx.GetSlotList(true)
	if err != nil {
		return nil, fmt.Errorf("failed to list slots of %s: %w", m.path, err)
	}
	var found []uint
	var infos []p11.TokenInfo
	var labels []string
	for _, s := range slots {
		info, err := m.ctx.GetTokenInfo(s)
		if err != nil || info.Flags&p11.CKF_TOKEN_INITIALIZED == 0 {
			continue
		}
		labels = append(labels, fmt.Sprintf("%q", info.Label))
		if u.matchesToken(s, info) {
			found = append(found, s)
			infos = append(infos, info)
		}
	}
	switch len(found) {
	case 0:
		sort.Strings(labels)
		return nil, fmt.Errorf("no token matches %s in %s (tokens: %s): %w",
			u.tokenDesc(), m.path, orNone(labels), ErrTokenNotFound)
	case 1:
		return m.token(found[0], infos[0]), nil
	}
	return nil, fmt.Errorf("%d tokens match %s: %w", len(found), u.tokenDesc(), ErrAmbiguous)
}

func (u *URI) matchesToken(slot uint, info p11.TokenInfo) bool {
	return (u.Token == "" || u.Token == info.Label) &&
		(u.Serial == "" || u.Serial == info.SerialNumber) &&
		(u.SlotID == nil || *u.SlotID == slot)
}

// tokenDesc describes the URI's token attributes for messages.
func (u *URI) tokenDesc() string {
	t := URI{Token: u.Token, Serial: u.Serial, SlotID: u.SlotID}
	if s := strings.TrimPrefix(t.String(), "pkcs11:"); s != "" {
		return s
	}
	return "any token"
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none initialised"
	}
	return strings.Join(list, ", ")
}

// token returns the cached token for slot, creating it on first use.
func (m *module) token(slot uint, info p11.TokenInfo) *token {
	if t := m.tokens[slot]; t != nil {
		return t
	}
	t := &token{mod: m, slot: slot, label: info.Label, serial: info.SerialNumber, flags: info.Flags}
	m.tokens[slot] = t
	return t
}

// ready opens the session and logs in, once. t.mu must be held.
func (t *token) ready(u *URI, opts *keyprovider.Options) error {
	if err := t.session(); err != nil {
		return err
	}
	return t.login(u, opts)
}

// session opens the session, once. t.mu must be held.
func (t *token) session() error {
	if t.closed {
		return ErrClosed
	}
	if !t.open {
		return t.openSession()
	}
	return nil
}

func (t *token) openSession() error {
	ctx := t.mod.ctx
	sess, err := ctx.OpenSession(t.slot, p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
	if isRV(err, p11.CKR_TOKEN_WRITE_PROTECTED) {
		// Enough to wrap, unwrap and sign; keygen will say why it fails.
		sess, err = ctx.OpenSession(t.slot, p11.CKF_SERIAL_SESSION)
	}
	if isRV(err, p11.CKR_SESSION_COUNT) {
		return fmt.Errorf("token %q allows no more sessions; close other programs using it: %w", t.label, err)
	}
	if err != nil {
		return fmt.Errorf("failed to open a session on token %q: %w", t.label, err)
	}
	t.sess, t.open = sess, true
	return nil
}

// login logs in as the user once per run. The PIN is asked for only when
// the token needs one and has no PIN pad.
func (t *token) login(u *URI, opts *keyprovider.Options) error {
	if t.loggedIn || t.loginErr != nil {
		return t.loginErr
	}
	if t.flags&p11.CKF_LOGIN_REQUIRED == 0 {
		t.loggedIn = true
		return nil
	}
	var pin []byte
	if t.flags&p11.CKF_PROTECTED_AUTHENTICATION_PATH == 0 {
		var err error
		if pin, err = u.readPIN(t.label, opts); err != nil {
			return err // no attempt was made, so nothing to remember
		}
	}
	err := t.mod.ctx.Login(t.sess, p11.CKU_USER, string(pin))
	clear(pin)
	switch {
	case err == nil || isRV(err, p11.CKR_USER_ALREADY_LOGGED_IN):
		t.loggedIn = true
	case isRV(err, p11.CKR_PIN_INCORRECT):
		t.loginErr = fmt.Errorf("failed to log in to token %q: %w", t.label, ErrPINIncorrect)
	case isRV(err, p11.CKR_PIN_LOCKED):
		t.loginErr = fmt.Errorf("failed to log in to token %q: %w", t.label, ErrPINLocked)
	default:
		t.loginErr = fmt.Errorf("failed to log in to token %q: %w", t.label, err)
	}
	return t.loginErr
}

// close ends the session, which also logs out. The pool lock is held.
func (t *token) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	if !t.open {
		return nil
	}
	t.open = false
	if t.loggedIn && t.flags&p11.CKF_LOGIN_REQUIRED != 0 {
		// Closing the last session logs out too; say it anyway in case
		// another part of the process keeps a session open.
		t.mod.ctx.Logout(t.sess)
	}
	if err := t.mod.ctx.CloseSession(t.sess); err != nil {
		return fmt.Errorf("failed to close session on token %q: %w", t.label, err)
	}
	return nil
}
