package age

import (
	"fmt"
	"slices"
	"strings"
	"time"

	agelib "filippo.io/age"

	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// keyTypes are the keygen --type values this backend makes: identity
// files as age-keygen writes them.
var keyTypes = []string{kindX25519, kindHybrid}

func signing(typ string) (bool, error) {
	if !slices.Contains(keyTypes, typ) {
		return false, fmt.Errorf("unknown age key type %q (known: %s)", typ, strings.Join(keyTypes, ", "))
	}
	return false, nil
}

// generate writes a new identity file, as age-keygen (-pq) does: a
// created line, the public key as a comment, the secret key.
func generate(path, typ string, force bool) (keyprovider.Key, error) {
	var secret string
	var k *identityKey
	switch typ {
	case kindX25519:
		id, err := agelib.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		r := id.Recipient()
		secret = id.String()
		k = &identityKey{id: id, rc: &Recipient{kind: kindX25519, line: r.String(), keyID: r.String(), r: r}}
	case kindHybrid:
		id, err := agelib.GenerateHybridIdentity()
		if err != nil {
			return nil, err
		}
		r := id.Recipient()
		secret = id.String()
		k = &identityKey{id: id, rc: &Recipient{kind: kindHybrid, line: r.String(), keyID: hybridKeyID(r.String()), r: r}}
	default:
		_, err := signing(typ)
		return nil, err
	}
	data := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n",
		time.Now().UTC().Format(time.RFC3339), k.rc.line, secret)
	if err := localkey.WriteKeyFile(path, []byte(data), force); err != nil {
		return nil, err
	}
	k.uri = "age:" + path
	return k, nil
}
