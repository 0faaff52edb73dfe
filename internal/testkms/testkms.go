// Package testkms runs github.com/nsmithuk/local-kms, a real KMS API server,
// on loopback for tests. Any package's TestMain can start one:
//
//	func TestMain(m *testing.M) { testkms.Main(m) }
//
// and tests get it with testkms.Get(t). Main points the AWS SDK's standard
// environment (AWS_ENDPOINT_URL_KMS, AWS_REGION, fake static credentials,
// empty config files) at the server, so code under test needs no test
// hooks, and nothing reaches real AWS.
//
// When the server cannot be started, tests fail in CI (see testci) and
// skip with the reason otherwise.
package testkms

import _ "embed"

const (
	// Module and Version pin local-kms, here and nowhere else:
	// scripts/localkms.sh reads them through internal/testtool.
	Module  = "github.com/nsmithuk/local-kms"
	Version = "v0.0.0-20260228092603-2a5e92d09ab6"

	// Region and AccountID are what local-kms puts in the ARNs it issues.
	Region    = "us-east-1"
	AccountID = "111122223333"

	// DemoAlias names the seeded key DemoKeyID.
	DemoAlias = "alias/Demo"
	DemoKeyID = "0b2ba0b4-6f7c-4a3e-9d1f-3c5e2a7d8f10"

	// MRKAlias names the seeded multi-Region key MRKKeyID, in every
	// region a server is started for (see StartRegion).
	MRKAlias = "alias/DemoMRK"
	MRKKeyID = "mrk-5e7a1c2b3d4f40a8b9c0d1e2f3a4b5c6"

	// AccessKeyID and SecretAccessKey are the fake static credentials the
	// environment gets; local-kms does not check signatures.
	AccessKeyID     = "AKIAENVSEALLOCALKMS0"
	SecretAccessKey = "envseal-local-kms-fake-secret-key"
)

// SeedFile is where Seed lives, relative to the module root.
const SeedFile = "internal/testkms/seed.yaml"

// Seed is the local-kms seed file: DemoKeyID behind DemoAlias, MRKKeyID
// behind MRKAlias.
//
//go:embed seed.yaml
var Seed []byte

// DemoKeyARN is the ARN of the seeded demo key.
const DemoKeyARN = "arn:aws:kms:" + Region + ":" + AccountID + ":key/" + DemoKeyID

// MRKARN returns the ARN of the seeded multi-Region key's replica in region.
func MRKARN(region string) string {
	return "arn:aws:kms:" + region + ":" + AccountID + ":key/" + MRKKeyID
}
