package awskms_test

import (
	"testing"

	"github.com/envseal/envseal/internal/testkms"
)

// TestMain runs every test against a real KMS API server (local-kms) on
// loopback; see internal/testkms.
func TestMain(m *testing.M) { testkms.Main(m) }
