// Package age is the "age" key backend: age and SSH keys, through the
// filippo.io/age library.
//
//	--key age1...            an age recipient (X25519, age1pq1... post-quantum
//	                         hybrid, or age1NAME1... for age-plugin-NAME): seals
//	--key 'ssh-ed25519 AAAA...'  an SSH public key line: seals
//	--key age:PATH           an identity file (age-keygen): opens, and seals to
//	                         its recipients; or a recipients file (age -R): seals
//	--key ssh:PATH           an SSH private key (opens; a passphrase is asked on
//	                         the terminal) or public key file (seals)
//
// Each stanza is of type "age": its key id names the recipient (the
// recipient string, or a fingerprint for SSH and post-quantum keys) and its
// body is a complete age v1 file whose plaintext is the 32-byte data key,
// encrypted to that one recipient, so age -d -i KEY can decrypt it too.
// docs/FORMAT.md specifies it byte for byte.
//
// Opening parses the age header in the body and refuses more than
// maxAgeStanzas stanzas, and a scrypt stanza, before any key work; an
// identity tries only stanzas whose key id is its own, except plugin
// identities, which cannot compute theirs and are given at most
// pluginAttempts stanzas per file (keyprovider.LimitedUnwrapper).
package age
