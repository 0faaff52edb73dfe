package cli

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/pkg/keyprovider/localkey"
)

// keygenSigningFile writes a private key to opts.Output and its public key
// next to it. The public key's path is checked first, so that a refusal to
// overwrite it never leaves a new private key without its public half.
func keygenSigningFile(opts *KeygenOptions, typ localkey.KeyType) error {
	pubPath := publicKeyPath(opts.Output)
	for _, p := range []string{opts.Output, pubPath} {
		if _, err := os.Lstat(p); err == nil && !opts.Force {
			// The same error O_EXCL gives, for either file.
			return withHintIfExists(fmt.Errorf("failed to create key file: %w", &os.PathError{Op: "open", Path: p, Err: syscall.EEXIST}))
		}
	}
	k, err := localkey.GenerateSigningKey(opts.Output, typ, opts.Force)
	if err != nil {
		return withHintIfExists(err)
	}
	pem, err := sign.MarshalPublicKey(k.Public())
	if err == nil {
		err = writeOutput(opts.IO, pubPath, opts.Force, 0o644, pem)
	}
	if err != nil {
		return withHint(err, "the private key was written; export its public key with: envseal pubkey --key file:"+opts.Output+" -o "+pubPath)
	}
	fmt.Fprintf(opts.IO.ErrOut, "file:%s\n", opts.Output)
	fmt.Fprintf(opts.IO.ErrOut, "public key: %s\n", pubPath)
	return nil
}

// publicKeyPath names the public key file of a private key file:
// release.pem -> release.pub.pem, release -> release.pub.pem.
func publicKeyPath(private string) string {
	return strings.TrimSuffix(private, ".pem") + ".pub.pem"
}
