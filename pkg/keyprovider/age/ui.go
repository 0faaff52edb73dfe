package age

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age/plugin"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// clientUI is how an age plugin talks to the user: its messages go to the
// warnings stream, its questions to the terminal prompt. Without a
// terminal a question fails, and the plugin reports that.
func clientUI(opts *keyprovider.Options) *plugin.ClientUI {
	var w io.Writer = io.Discard
	var prompt func(string) ([]byte, error)
	if opts != nil {
		if opts.Warnings != nil {
			w = opts.Warnings
		}
		prompt = opts.Prompt
	}
	ask := func(name, question string) (string, error) {
		if prompt == nil {
			fmt.Fprintf(w, "envseal: age-plugin-%s asked a question and there is no terminal to answer it on\n", name)
			return "", errors.New("no terminal")
		}
		v, err := prompt("age-plugin-" + name + ": " + strings.TrimSpace(question) + " ")
		if err != nil {
			return "", err
		}
		defer clear(v)
		return string(v), nil
	}
	return &plugin.ClientUI{
		DisplayMessage: func(name, message string) error {
			fmt.Fprintf(w, "envseal: age-plugin-%s: %s\n", name, oneLine(message))
			return nil
		},
		RequestValue: func(name, question string, _ bool) (string, error) {
			return ask(name, question)
		},
		Confirm: func(name, question, yes, no string) (bool, error) {
			if no == "" {
				_, err := ask(name, fmt.Sprintf("%s (press enter for %q)", question, yes))
				return err == nil, err
			}
			for {
				a, err := ask(name, fmt.Sprintf("%s (type 1 for %q, 2 for %q)", question, yes, no))
				if err != nil {
					return false, err
				}
				switch strings.TrimSpace(a) {
				case "1":
					return true, nil
				case "2":
					return false, nil
				}
			}
		},
		WaitTimer: func(name string) {
			fmt.Fprintf(w, "envseal: waiting for age-plugin-%s (touch the key?)\n", name)
		},
	}
}

// oneLine keeps a plugin's message from breaking the output's lines.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
