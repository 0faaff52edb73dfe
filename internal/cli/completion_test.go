package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// complete asks envseal for the completions of the last word, as the
// shell scripts of envseal completion do (envseal __complete ARGS...), and
// returns the candidates and the directive line.
func complete(t *testing.T, dir string, args ...string) ([]string, string) {
	t.Helper()
	out, errOut, code := runCLI(t, dir, "", append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

// Directives as cobra prints them: NoSpace is 2, NoFileComp is 4.
const (
	noFiles        = ":4"
	noFilesNoSpace = ":6"
	shellFiles     = ":0"
	sealedFiles    = ":8" // FilterFileExt
)

func TestFlagCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"team.key", "notes.txt", ".hidden.key"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args      []string
		want      []string
		directive string
	}{
		{[]string{"keygen", "--type", ""}, []string{"x25519", "mlkem768x25519", "aes-256", "ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-3072", "rsa-4096", "rsa-oaep-3072", "rsa-oaep-4096"}, noFiles},
		{[]string{"keygen", "--spec", "ECC"}, []string{"ECC_NIST_P256", "ECC_NIST_P384"}, noFiles},
		{[]string{"keygen", "--usage", ""}, []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}, noFiles},
		{[]string{"keygen", "--key", ""}, []string{"awskms:///alias/", "pkcs11:token="}, noFilesNoSpace},
		{[]string{"datakey", "--spec", ""}, []string{"AES_256", "AES_128"}, noFiles},
		{[]string{"datakey", "--encryption-algorithm", "RSA"}, []string{"RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"}, noFiles},
		{[]string{"hash", "-a", "sha3"}, []string{"sha384", "sha3-256", "sha3-512"}, noFiles},
		{[]string{"open", "--md", "md"}, []string{"md5"}, noFiles},
		{[]string{"seal", "--key", ""}, []string{"age:", "ssh:", "file:", "pub:", "awskms:///alias/", "pkcs11:token="}, noFilesNoSpace},
		{[]string{"seal", "--key", "aws"}, []string{"awskms:///alias/"}, noFilesNoSpace},
		{[]string{"seal", "--key", "file:t"}, []string{"file:team.key"}, noFiles},
		{[]string{"seal", "-k", "file:"}, []string{"file:keys/", "file:notes.txt", "file:team.key"}, noFilesNoSpace},
		{[]string{"seal", "--key=file:.h"}, []string{"file:.hidden.key"}, noFiles},
		{[]string{"rewrap", "--add", "file:k"}, []string{"file:keys/"}, noFilesNoSpace},
		{[]string{"open", "--pass", ""}, []string{"pass:", "env:", "file:", "fd:", "stdin", "kms:"}, noFilesNoSpace},
		{[]string{"migrate", "--pass", "kms:te"}, []string{"kms:team.key"}, noFiles},
		{[]string{"seal", "--context", ""}, nil, noFiles},
		{[]string{"open", "--timeout", ""}, nil, noFiles},
		{[]string{"seal", "-o", ""}, nil, shellFiles},
		{[]string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh"}, noFiles},
		{[]string{"edit", "--key", "file:t"}, []string{"file:team.key"}, noFiles},
		{[]string{"edit", ""}, []string{"sealed"}, sealedFiles},
		{[]string{"edit", "a.sealed", ""}, nil, noFiles},
		{[]string{"set", ""}, []string{"sealed"}, sealedFiles},
		{[]string{"get", "a.sealed", ""}, nil, noFiles},
		{[]string{"unset", "a.sealed", ""}, nil, noFiles},
		{[]string{"check", "--recipient", ""}, nil, noFiles},
		{[]string{"check", "--context", ""}, nil, noFiles},
	}
	for _, tt := range tests {
		got, directive := complete(t, dir, tt.args...)
		// Candidates may carry a tab and a description.
		for i, c := range got {
			got[i], _, _ = strings.Cut(c, "\t")
		}
		if !slices.Equal(got, tt.want) || directive != tt.directive {
			t.Errorf("envseal %s<TAB>: %q %s, want %q %s", strings.Join(tt.args, " "), got, directive, tt.want, tt.directive)
		}
	}
}
