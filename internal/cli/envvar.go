package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/envseal/envseal/internal/dotenv"
	"github.com/envseal/envseal/internal/secretbuf"
)

// The helpers set, get and unset share: they work on sealed dotenv files
// (the dotenv syntax exec reads), at most maxEnvFile bytes of plaintext,
// held in a buffer that is wiped afterwards.

// checkEnvName refuses a NAME that is not a dotenv variable name.
func checkEnvName(name string) error {
	if !dotenv.ValidKey(name) {
		return usageErrorf("a name is letters, digits and _, not starting with a digit", "%q is not a valid variable name", name)
	}
	return nil
}

// changeEnvFile opens the sealed dotenv file with one of the --key keys,
// applies change to its plaintext, and re-seals it in place as edit does
// (same header, new payload), or leaves it byte for byte alone when change
// returns the same bytes. A signed file is re-signed with signWith, which
// must be its signer's key; without it, it is refused before decrypting.
func changeEnvFile(ctx context.Context, ios *IOStreams, cmd string, keys []string, signWith, file string,
	change func([]byte) ([]byte, error)) error {
	if file == "-" {
		return usageErrorf("", "%s needs a file, not standard input", cmd)
	}
	ids, _, err := resealKeys(ctx, ios, cmd, keys, false)
	if err != nil {
		return err
	}
	s, err := lockSealed(ctx, cmd, file)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.resignWith(ctx, ios, cmd, signWith); err != nil {
		return err
	}
	dk, err := s.dataKey(ctx, ids)
	if err != nil {
		return err
	}
	defer clear(dk)
	r, err := s.plaintext(ctx, dk)
	if err != nil {
		return err
	}
	buf := secretbuf.New(maxEnvFile, errEnvFileLarge)
	defer buf.Wipe()
	if _, err := io.Copy(buf, r); err != nil {
		return err
	}
	out, err := change(buf.Bytes())
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defer clear(out)
	if bytes.Equal(out, buf.Bytes()) {
		fmt.Fprintf(ios.ErrOut, "envseal: %s unchanged\n", file)
		return nil
	}
	return s.replace(ctx, dk, bytes.NewReader(out), nil)
}

// readEnvFile decrypts a sealed dotenv file and parses it.
func readEnvFile(ctx context.Context, ios *IOStreams, cmd string, keys []string, file string) ([]dotenv.Var, error) {
	ids, _, err := resealKeys(ctx, ios, cmd, keys, false)
	if err != nil {
		return nil, err
	}
	vars, err := loadEnvFile(ctx, ios, file, ids, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return vars, nil
}

// readValue reads set's value: from a prompt when standard input is a
// terminal (without echo), else all of standard input, less one final
// line break (what echo and a here-string add). Never from argv, which
// other users can read in the process list and which shells keep in
// their history.
func readValue(ios *IOStreams, name string) ([]byte, error) {
	if ios.StdinTTY {
		v, err := promptSecret(ios, "Value for "+name)
		if err != nil {
			return nil, fmt.Errorf("failed to read the value: %w", err)
		}
		return v, nil
	}
	buf := secretbuf.New(maxEnvFile, errors.New("the value is larger than 1 MiB"))
	if _, err := io.Copy(buf, ios.In); err != nil {
		buf.Wipe()
		return nil, fmt.Errorf("failed to read the value from standard input: %w", err)
	}
	v := buf.Bytes()
	if bytes.HasSuffix(v, []byte("\r\n")) {
		v = v[:len(v)-2]
	} else if bytes.HasSuffix(v, []byte("\n")) {
		v = v[:len(v)-1]
	}
	return v, nil
}
