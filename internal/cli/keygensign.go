package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/envseal/envseal/internal/sign"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// keygenSigningFile writes a private key to opts.Output and its public key
// next to it. The public key's path is checked first, so that a refusal to
// overwrite it never leaves a new private key without its public half.
func keygenSigningFile(ctx context.Context, opts *KeygenOptions, files *keyprovider.FileKeys) error {
	pubPath := publicKeyPath(opts.Output)
	for _, p := range []string{opts.Output, pubPath} {
		if _, err := os.Lstat(p); err == nil && !opts.Force {
			// The same error O_EXCL gives, for either file.
			return withHintIfExists(fmt.Errorf("failed to create key file: %w", &os.PathError{Op: "open", Path: p, Err: syscall.EEXIST}))
		}
	}
	k, err := files.Generate(opts.Output, opts.Type, opts.Force)
	if err != nil {
		return withHintIfExists(err)
	}
	pem, err := publicKeyPEM(ctx, k)
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

// publicKeyPEM returns the public half of a new signing key, as PEM.
func publicKeyPEM(ctx context.Context, k keyprovider.Key) ([]byte, error) {
	sk, ok := k.(keyprovider.Signer)
	if !ok {
		return nil, fmt.Errorf("key %s cannot sign: %w", k.URI(), keyprovider.ErrUnsupported)
	}
	signer, err := sk.Signer(ctx)
	if err != nil {
		return nil, err
	}
	return sign.MarshalPublicKey(signer.Public())
}
