package awskms

// hints suggest the next step for each kind of failure, for the CLI's
// "hint:" line.
var hints = map[error]string{
	ErrAccessDenied: "the caller is not allowed to use this key: check the key policy and IAM permissions " +
		"(aws sts get-caller-identity shows who the caller is)",
	ErrCredentials: "no valid AWS credentials were found: set AWS_PROFILE (or --profile), run aws sso login, " +
		"or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
	ErrKeyNotFound: "check the key URI and the region (AWS_REGION or --region): keys and aliases exist " +
		"in one region and account",
	ErrKeyDisabled: "the key is disabled, pending deletion or pending import: enable it (aws kms enable-key) " +
		"or use another key",
	ErrInvalidCiphertext: "the wrapped data key was altered, the encryption context differs from the one used " +
		"when sealing, or the pinned key is not the one that wrapped it",
	ErrKeyUsage: "the key cannot wrap data keys: use a key with usage ENCRYPT_DECRYPT and spec " +
		"SYMMETRIC_DEFAULT or RSA_2048, RSA_3072, RSA_4096",
	ErrThrottled:   "KMS kept rejecting requests for exceeding the request quota: retry later or ask for a higher quota",
	ErrAliasExists: "choose another alias name, or use the existing key (aws kms describe-key --key-id alias/NAME)",
	ErrUnreachable: "check the region (AWS_REGION or --region), the endpoint (AWS_ENDPOINT_URL_KMS or " +
		"awskms://HOST:PORT/...), network access, and that a local KMS is running if you use one",
	ErrNoRegion: "set AWS_REGION, pass --region, set a region in your AWS profile, or name the key by its ARN",
	ErrConfig:   "check AWS_PROFILE (or --profile) and the AWS config files (~/.aws/config, ~/.aws/credentials)",
}

// signingHints replace hints for the signing operations, where the same
// kind of failure calls for another step: a key that cannot wrap data keys
// is the right key to sign with, and the other way round.
var signingHints = map[error]string{
	ErrKeyUsage: "signing needs an asymmetric key with usage SIGN_VERIFY: envseal keygen " +
		"--key awskms:///alias/NAME --spec ECC_NIST_P256 --usage SIGN_VERIFY (or ECC_NIST_P384, RSA_2048, RSA_3072, RSA_4096)",
	ErrKeySpec: "envseal signs with ECC_NIST_P256, ECC_NIST_P384 and RSA_2048, RSA_3072, RSA_4096 keys",
}

// exportHints replace hints for envseal pubkey, which exports RSA
// encryption keys (and, through the signing path, SIGN_VERIFY keys).
var exportHints = map[error]string{
	ErrKeyUsage: "pubkey exports asymmetric keys: an RSA key of usage ENCRYPT_DECRYPT to seal to (envseal keygen " +
		"--key awskms:///alias/NAME --spec RSA_3072 --usage ENCRYPT_DECRYPT) or a SIGN_VERIFY key",
}
