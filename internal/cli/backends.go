package cli

// The key backends this build knows. Each registers its URI scheme and
// what it can do (see keyprovider.Backend) in init; the commands ask the
// registry and name no backend. Adding a backend is its package plus one
// line here.
import (
	_ "github.com/envseal/envseal/pkg/keyprovider/age"
	_ "github.com/envseal/envseal/pkg/keyprovider/awskms"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
	_ "github.com/envseal/envseal/pkg/keyprovider/pkcs11"
	_ "github.com/envseal/envseal/pkg/keyprovider/pubfile"
)

// fileKeyPath is the path of a file: key URI, for --signer file:KEY.pub.pem,
// which reads a public key file itself: the file backend opens private
// keys only.
func fileKeyPath(uri string) (string, error) { return localkey.PathFromURI(uri) }
