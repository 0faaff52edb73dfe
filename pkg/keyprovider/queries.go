package keyprovider

import (
	"context"
	"errors"
)

// Hint returns the first backend's hint for err, or "".
func Hint(err error) string {
	for _, b := range Backends() {
		if b.Hint == nil {
			continue
		}
		if h := b.Hint(err); h != "" {
			return h
		}
	}
	return ""
}

// CloseAll releases what every backend holds (see Backend.Close) and
// returns their errors joined.
func CloseAll() error {
	var errs []error
	for _, b := range Backends() {
		if b.Close != nil {
			errs = append(errs, b.Close())
		}
	}
	return errors.Join(errs...)
}

// SecretEnv lists every backend's secret environment variables (see
// Backend.SecretEnv).
func SecretEnv() []string {
	var names []string
	for _, b := range Backends() {
		names = append(names, b.SecretEnv...)
	}
	return names
}

// RewrapFallback returns the warning to print when err, from a Rewrap,
// means the data key should be wrapped afresh instead, or "" when err is
// a real failure (see Backend.RewrapFallback).
func RewrapFallback(err error) string {
	for _, b := range Backends() {
		if b.RewrapFallback == nil {
			continue
		}
		if w := b.RewrapFallback(err); w != "" {
			return w
		}
	}
	return ""
}

// Discover returns the discovery unwrappers of every backend that has one
// (see Backend.Discover).
func Discover(ctx context.Context, opts *Options, allow []string) ([]Unwrapper, error) {
	var us []Unwrapper
	for _, b := range Backends() {
		if b.Discover == nil {
			continue
		}
		u, err := b.Discover(ctx, opts, allow)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, nil
}
