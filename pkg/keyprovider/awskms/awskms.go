// Package awskms implements the awskms: key backend: data keys generated
// and wrapped by AWS KMS under a customer managed key, and signatures made
// by an asymmetric KMS key.
//
// Sealing makes exactly one GenerateDataKey call (AES_256) for the first
// KMS recipient and one Encrypt call for each further one; both bind the
// file's encryption context as KMS EncryptionContext, so KMS enforces it on
// Decrypt in addition to the header MAC. A stanza holds the key ARN KMS
// returned and the CiphertextBlob, unchanged: it is the same blob
// `aws kms decrypt` accepts.
//
// An RSA key of usage ENCRYPT_DECRYPT is sealed to locally instead
// (RSAES_OAEP_SHA_256 under its public key, from one GetPublicKey per Key
// or from an envseal pubkey export with no request at all) and opened with
// one Decrypt without a context; see rsa.go and RSAStanzaType.
//
// Opening calls Decrypt with KeyId pinned to the stanza's key ARN, so a
// file cannot make envseal use a key other than the one the user named.
// Discovery (any key the caller may use, optionally from an allow list) is
// a separate, explicit Unwrapper: see NewDiscovery.
//
// Signing uses an asymmetric key with usage SIGN_VERIFY (ECC_NIST_P256,
// ECC_NIST_P384, RSA_*): the public key is fetched once (GetPublicKey) and
// each signature is one Sign call with MessageType=DIGEST over a digest
// hashed locally; see Key.Signer.
//
// Region, credentials, profile and endpoint come from the AWS SDK's
// standard chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_KMS, SSO, web
// identity, container and instance credentials). The backend's region
// and profile settings (--region, --profile; see backend.go) override
// them; a region in a key ARN wins over both, since the key exists only
// there.
package awskms

const (
	// Scheme is the URI scheme of this backend.
	Scheme = "awskms"
	// StanzaType is the type of stanzas this backend writes. The stanza's
	// key id is the key ARN, its body the KMS CiphertextBlob.
	StanzaType = "awskms"
)
