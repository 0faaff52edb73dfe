package pkcs11

// StanzaType is the type of stanzas this backend writes: the data key
// encrypted with CKM_AES_GCM under an AES-256 key on the token, through
// C_Encrypt/C_Decrypt.
//
// GCM rather than CKM_AES_KEY_WRAP_PAD because it binds additional data
// (the stanza type and key id, so a body cannot be moved under another
// key's id), has a 128-bit tag instead of KWP's 64-bit integrity check, and
// needs only CKA_ENCRYPT/CKA_DECRYPT on the token key. KWP through
// C_WrapKey/C_UnwrapKey would need the data key imported into, and read back
// out of, the token as an extractable, non-sensitive session object, which
// FIPS-mode HSMs refuse. The nonce is 96 random bits, or the one the token
// chose if it insists on its own (read back after C_Encrypt).
//
// Body: nonce (12) || ciphertext (32) || tag (16). Key id: a pkcs11: URI
// of the token label and serial and the object label and CKA_ID, which names
// the key without saying anything secret. AAD: type || 0x00 || key id.
// Readers match a stanza on the object label and CKA_ID only, so a key
// restored or replicated to a token with another serial still opens it.
const StanzaType = "pkcs11-aes-gcm"

// Stanza types for RSA key pairs on a token: the data key encrypted with
// RSAES-OAEP (RFC 8017) under the pair's public key, MGF1 with the same
// hash as the OAEP hash, and an empty label. The hash is in the type, since
// tokens differ in what they decrypt: SoftHSM2 2.6.1 does CKM_RSA_PKCS_OAEP
// with SHA-1 only (see docs/hsm.md); OAEP's security does not rest on the
// hash's collision resistance, so SHA-1 is still sound there.
//
// Body: the OAEP ciphertext, exactly as long as the modulus. Key id: as for
// StanzaType, the token label and serial and the object label and CKA_ID of
// the key pair's private key. Sealing needs only the public key, read from
// the token (checked against the private key's modulus after logging in,
// or as it is with type=public) or from an export (envseal pubkey);
// opening decrypts with CKM_RSA_PKCS_OAEP on the token.
const (
	StanzaTypeRSASHA256 = "pkcs11-rsa-oaep-sha256"
	StanzaTypeRSASHA1   = "pkcs11-rsa-oaep-sha1"
)
