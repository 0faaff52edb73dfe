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
