// Package pubfile is the "pub" key backend: --key pub:FILE seals to the
// public keys in FILE, as envseal pubkey exports them, without the backend
// that holds the private halves: no credentials, no network, no PKCS#11
// module. Each entry is handed to the backend it names (its
// keyprovider.Backend.Public), which writes the stanza the key itself
// would; this package knows nothing of any of them.
//
// A pub: key can only seal. Opening needs the private key's own URI.
package pubfile
