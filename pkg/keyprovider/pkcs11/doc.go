// Package pkcs11 implements the pkcs11: key backend: keys held on a PKCS#11
// token (a hardware security module, a smart card, SoftHSM2), named by
// RFC 7512 URIs such as
//
//	pkcs11:token=prod;object=envseal-kek?module-path=/usr/lib/softhsm/libsofthsm2.so
//
// An AES-256 key on the token wraps file data keys with CKM_AES_GCM through
// C_Encrypt/C_Decrypt (see StanzaType for why that mechanism). An RSA key
// pair that may encrypt and decrypt is sealed to locally with RSA-OAEP
// under its public key, read without a login or from an export (pub:), and
// opened on the token with CKM_RSA_PKCS_OAEP (see StanzaTypeRSASHA256). EC
// and RSA key pairs on the token sign digests for the sign/verify commands.
//
// PKCS#11 modules are C libraries, so the backend needs cgo. A build without
// cgo still registers the pkcs11 scheme, so a pkcs11: URI there gets a clear
// "built without cgo" error instead of "unknown key scheme".
//
// Modules, sessions and logins are shared by every Key in the process and
// released by CloseAll, which the command line defers.
package pkcs11
