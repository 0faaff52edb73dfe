package keyprovider

import (
	"fmt"
	"io"
)

// Options carries settings that come from the command line or the
// environment rather than from the key URI itself.
type Options struct {
	// Warnings receives non-fatal warnings, one line each (for example a
	// key file readable by other users). Nil discards them.
	Warnings io.Writer

	// Settings holds the values of backend settings (see Setting) the
	// user gave, by name. Backends read them with Setting.
	Settings map[string]string

	// Prompt asks the user for a secret (a PIN) on the terminal. Nil means
	// no terminal is available and the backend must fail with a hint.
	Prompt func(prompt string) ([]byte, error)
}

// Setting returns the value of the named setting, or "" when it is unset.
func (o *Options) Setting(name string) string {
	if o == nil {
		return ""
	}
	return o.Settings[name]
}

// Warnf writes one warning line to o.Warnings, if set.
func (o *Options) Warnf(format string, args ...any) {
	if o == nil || o.Warnings == nil {
		return
	}
	fmt.Fprintf(o.Warnings, "envseal: warning: "+format+"\n", args...)
}
