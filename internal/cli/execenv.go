package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/envseal/envseal/internal/dotenv"
	"github.com/envseal/envseal/internal/secretbuf"
	"github.com/envseal/envseal/pkg/envelope"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// maxEnvFile bounds a dotenv file's plaintext, which exec holds in memory.
const maxEnvFile = 1 << 20

var errEnvFileLarge = errors.New("the dotenv file is larger than 1 MiB")

// loadEnvFiles opens each sealed dotenv file in memory and returns its
// variables as KEY=VALUE, in order: a later file's value wins, as it does
// in an exec.Cmd environment. A file that sets a denied variable not in
// allowed is refused (see checkEnvPolicy).
func loadEnvFiles(ctx context.Context, ios *IOStreams, paths []string, ids []keyprovider.Unwrapper,
	required map[string]string, allowed map[string]bool) ([]string, error) {
	var env []string
	for _, p := range paths {
		vars, err := loadEnvFile(ctx, ios, p, ids, required)
		if err == nil {
			err = checkEnvPolicy(envKeys(vars), allowed)
		}
		if err != nil {
			return nil, fmt.Errorf("--env-file %s: %w", p, err)
		}
		for _, v := range vars {
			env = append(env, v.Key+"="+v.Value)
		}
	}
	return env, nil
}

func envKeys(vars []dotenv.Var) []string {
	keys := make([]string, len(vars))
	for i, v := range vars {
		keys[i] = v.Key
	}
	return keys
}

func loadEnvFile(ctx context.Context, ios *IOStreams, path string, ids []keyprovider.Unwrapper,
	required map[string]string) ([]dotenv.Var, error) {
	// The plaintext is wiped after parsing; the copies in the child's
	// environment are the child's, this only keeps envseal from holding
	// more than it must.
	buf := secretbuf.New(maxEnvFile, errEnvFileLarge)
	defer buf.Wipe()
	if err := openSealedTo(ctx, ios, path, ids, required, buf); err != nil {
		return nil, err
	}
	return dotenv.Parse(buf.Bytes())
}

// openSealedTo decrypts the sealed file at path into w. Only authenticated
// chunks reach w, and the call fails unless the whole file authenticated.
func openSealedTo(ctx context.Context, ios *IOStreams, path string, ids []keyprovider.Unwrapper,
	required map[string]string, w io.Writer) error {
	in, err := openInput(ios, path)
	if err != nil {
		return err
	}
	defer in.Close()
	h, r, err := envelope.DecryptWith(ctx, dearmor(ctxReader{ctx, in}), ids, openOptions(ctx, required))
	if err != nil {
		return err
	}
	_, err = io.Copy(w, noteUnverifiedSigner(ctx, h, r))
	return err
}
