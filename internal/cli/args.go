package cli

import (
	"errors"
	"io/fs"

	"github.com/spf13/cobra"
)

// maxArgs is cobra.MaximumNArgs returning a UsageError (exit 2).
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return &UsageError{Err: err, Hint: "see: " + cmd.CommandPath() + " --help"}
		}
		return nil
	}
}

func withHintIfExists(err error) error {
	if errors.Is(err, fs.ErrExist) {
		return withHint(err, "pass --force to replace it (the old key is lost), or pick another name")
	}
	return err
}

// exactArgs is cobra.ExactArgs returning a UsageError (exit 2).
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &UsageError{Err: err, Hint: "see: " + cmd.CommandPath() + " --help"}
		}
		return nil
	}
}

// rangeArgs is cobra.RangeArgs returning a UsageError (exit 2).
func rangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.RangeArgs(lo, hi)(cmd, args); err != nil {
			return &UsageError{Err: err, Hint: "see: " + cmd.CommandPath() + " --help"}
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs returning a UsageError (exit 2).
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return &UsageError{Err: err, Hint: "see: " + cmd.CommandPath() + " --help"}
		}
		return nil
	}
}
