package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/envseal/envseal/internal/stream"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// explain turns an error into the message and hint a user should see. The
// packages below cli return precise, typed errors; this is the one place
// that knows what a person can do about each.
func explain(err error) (msg, hint string) {
	msg = err.Error()
	var (
		ue  *UsageError
		kue *keyprovider.UsageError
		he  *HintError
		nm  *envelope.NoMatchError
		ce  *envelope.ContextError
		uv  *envelope.UnsupportedVersionError
		ch  *stream.ChunkError
	)
	switch {
	case errors.As(err, &ue):
		return msg, ue.Hint
	case errors.As(err, &kue):
		return msg, kue.Hint
	case errors.As(err, &he):
		return msg, he.Hint
	case errors.As(err, &nm):
		return msg, "it was sealed for: " + displayString(nm.Recipients()) + "; pass one of those keys with --key"
	case errors.As(err, &ce):
		return strings.Replace(msg, ce.Error(), contextMismatch(ce), 1), "the file's context is: " + contextString(ce.FileContext)
	case errors.As(err, &uv):
		return msg, "this file was written by a newer envseal; upgrade to open it"
	case errors.As(err, &ch):
		return msg + ": the file is corrupted or was tampered with", ""
	}
	if h := backendHint(err); h != "" {
		return msg, h
	}
	return msg, hintFor(err)
}

// hintFor covers the sentinel errors.
func hintFor(err error) string {
	if h := legacyHint(err); h != "" {
		return h
	}
	switch {
	case errors.Is(err, envelope.ErrLegacyOpenSSL):
		return "open it with: envseal open --legacy-openssl --pass SPEC [--iter N] FILE; or re-seal it with: envseal migrate --pass SPEC [--iter N] --key URI -o OUT FILE"
	case errors.Is(err, envelope.ErrNotEnvelope):
		return "envseal files start with the bytes ENVSEAL; is this the sealed file?"
	case errors.Is(err, envelope.ErrHeaderMAC):
		return "the header was changed after sealing: the file is corrupted or was tampered with"
	case errors.Is(err, stream.ErrCommitment):
		return "the payload does not belong to this header: the file is corrupted or was spliced"
	case errors.Is(err, stream.ErrTruncated):
		return "the file ends early: was the copy or download complete?"
	case errors.Is(err, keyprovider.ErrKeyMaterial):
		return "put the key in a file and name the file: age:FILE for an age identity, ssh:FILE for an SSH key, file:FILE for an envseal key"
	case errors.Is(err, keyprovider.ErrBadURI):
		return "key URIs look like " + uriExamples()
	case isNoSpace(err):
		return "the filesystem is full: free some space, or write to another filesystem with -o"
	case errors.Is(err, context.DeadlineExceeded):
		return "raise --timeout, or check that the key backend (KMS endpoint, HSM) answers"
	case errors.Is(err, fs.ErrPermission):
		return "check the permissions of the file and of its directory"
	case errors.Is(err, fs.ErrNotExist):
		return "check the path"
	}
	return ""
}

func contextString(c map[string]string) string {
	if len(c) == 0 {
		return "(empty)"
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(displayString(k) + "=" + displayString(c[k]))
	}
	return b.String()
}

// contextMismatch is ce's message with the file's value quoted for the
// terminal: that value comes from the file.
func contextMismatch(ce *envelope.ContextError) string {
	if !ce.Present {
		return ce.Error()
	}
	return fmt.Sprintf("context %s is %s in the file, not %s",
		displayQuoted(ce.Key), displayQuoted(ce.Got), displayQuoted(ce.Want))
}
