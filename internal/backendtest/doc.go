// Package backendtest proves the key backend boundary: its test registers
// a throwaway backend (scheme "testkey", in-memory AES-GCM keys) exactly
// as pkg/keyprovider's backends do, and drives keygen, seal, open,
// inspect, rewrap, discovery, hints and shell completion through the
// unmodified command line. It is its own package so that the extra scheme
// is not seen by the other command tests, which assert the real lists.
package backendtest
