package main

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envseal/envseal/internal/cli"
	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/spf13/cobra"
)

// exampleFixtures prepares, for each command (by command path), the
// directory its Example lines run in: the files they mention, made with
// envseal itself. Lines that make a file themselves (keygen -o team.key)
// find it missing, as a reader starting from scratch would.
var exampleFixtures = map[string]struct {
	setup string   // bash, run in the directory before the first line
	env   []string // added to the environment of setup and every line
}{
	"envseal": {setup: `echo API_TOKEN=t0ps3cret > secrets.env`},
	"envseal keygen": {
		setup: `echo notes > notes.txt`,
		// The HSM example's token is made by the test (see softhsmToken).
		env: []string{"ENVSEAL_PKCS11_PIN=1234"},
	},
	"envseal seal": {setup: `
		echo API_TOKEN=t0ps3cret > secrets.env
		echo token > token.txt
		envseal keygen -o breakglass.key 2>/dev/null
		mkdir config sealed && echo A=1 > config/app.env && echo B=2 > config/db.env`},
	"envseal open": {setup: `
		envseal keygen -o team.key 2>/dev/null
		envseal keygen -o ci.key 2>/dev/null
		echo API_TOKEN=t0ps3cret | envseal seal --key file:team.key -o secrets.env.sealed
		echo 'select 1;' | envseal seal --key awskms:///alias/Demo --key file:ci.key --context env=prod -o db.sql.sealed
		mkdir sealed config
		echo A=1 | envseal seal --key awskms:///alias/Demo -o sealed/app.env.sealed
		echo B=2 | envseal seal --key awskms:///alias/Demo -o sealed/db.env.sealed
		seq 1 100000 | envseal seal --key file:team.key -o app.log.sealed
		echo data | openssl enc -e -aes256 -k file:///./datakey -iter 1000 -out encrypted-data-file.txt`},
	"envseal inspect": {setup: `
		envseal keygen -o team.key 2>/dev/null
		echo API_TOKEN=t0ps3cret | envseal seal --key file:team.key -o secrets.env.sealed`},
	"envseal rewrap": {setup: `
		envseal keygen --key awskms:///alias/app-2027 >/dev/null
		echo 'select 1;' | envseal seal --key awskms:///alias/Demo -o db.sql.sealed
		envseal keygen -o team.key 2>/dev/null
		envseal keygen -o breakglass.key 2>/dev/null
		echo API_TOKEN=t0ps3cret | envseal seal --key file:team.key -o secrets.env.sealed
		mkdir -p sealed/prod
		echo A=1 | envseal seal --key file:team.key -o sealed/app.env.sealed
		echo B=2 | envseal seal --key file:team.key -o sealed/prod/db.env.sealed`},
	"envseal hash": {setup: `echo release > release.tar.gz`},
	"envseal sign": {setup: `echo app > app.tar.gz`},
	"envseal verify": {setup: `
		envseal keygen --type ecdsa-p256 -o release.pem 2>/dev/null
		echo app > app.tar.gz
		envseal sign --key file:release.pem -o app.tar.gz.sig app.tar.gz
		envseal keygen --type ecdsa-p384 -o p384.pem 2>/dev/null
		echo data > data.bin
		envseal keygen --type ecdsa-p256 -o ci.pem 2>/dev/null
		openssl req -x509 -newkey ed25519 -nodes -keyout ca.key -subj /CN=CA -days 1 -out corp-ca.pem \
			-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
		openssl req -new -key ci.pem -subj /CN=ci -out ci.csr
		printf 'keyUsage=critical,digitalSignature\nsubjectAltName=email:ci@example.com\n' > ci.ext
		openssl x509 -req -in ci.csr -CA corp-ca.pem -CAkey ca.key -days 1 -extfile ci.ext -out ci.crt.pem 2>/dev/null
		envseal sign --key file:ci.pem -o app.sig app.tar.gz`},
	"envseal pubkey": {setup: `
		envseal keygen --type ed25519 -o release.pem 2>/dev/null && rm release.pub.pem
		echo app > app
		envseal sign --key file:release.pem -o app.sig app
		envseal keygen --key awskms:///alias/Team --spec RSA_3072 --usage ENCRYPT_DECRYPT >/dev/null
		echo API_TOKEN=t0ps3cret > secrets.env
		envseal keygen --type x25519 -o me.txt 2>/dev/null
		ssh-keygen -q -t ed25519 -N '' -f id_ed25519
		echo DB_PASSWORD=hunter2 > db.env`,
		// The token RSA example's token is made by the test (see softhsmToken).
		env: []string{"ENVSEAL_PKCS11_PIN=1234"},
	},
	"envseal migrate": {
		setup: `
		echo data | openssl enc -e -aes256 -k file:///./datakey -iter 1000 -out encrypted-data-file.txt
		envseal datakey --key awskms:///alias/Demo --plaintext-out datakey --ciphertext-out encrypted-datakey
		echo backup | openssl enc -e -aes256 -pass file:datakey -iter 1000 -out backup.enc
		rm datakey
		envseal keygen -o team.key 2>/dev/null
		echo archive | openssl enc -e -aes256 -pbkdf2 -pass env:BACKUP_PASSPHRASE -out archive.enc`,
		env: []string{"BACKUP_PASSPHRASE=correct horse battery staple"},
	},
	"envseal exec": {setup: `
		envseal keygen --key awskms:///alias/ci >/dev/null
		echo DEPLOY_TOKEN=d3pl0y | envseal seal --key awskms:///alias/ci -o prod.env.sealed
		printf '#!/bin/sh\n: "${DEPLOY_TOKEN:?}"\n' > deploy.sh && chmod +x deploy.sh
		envseal keygen -o team.key 2>/dev/null
		echo 'apiVersion: v1' | envseal seal --key file:team.key -o kubeconfig.sealed
		echo APP_NAME=demo | envseal seal --key file:team.key --context env=prod -o app.env.sealed
		echo DB_PASSWORD=hunter2 | envseal seal --key file:team.key --context env=prod -o db.env.sealed`},
	"envseal edit": {
		setup: `
		envseal keygen -o team.key 2>/dev/null
		envseal keygen -o breakglass.key 2>/dev/null
		echo API_TOKEN=t0ps3cret | envseal seal --key file:team.key --key file:breakglass.key -o secrets.env.sealed
		echo '{"debug": false}' | envseal seal --key awskms:///alias/Demo -o config.json.sealed`,
		// No editor is there to type into: true leaves the file as it was.
		env: []string{"VISUAL=", "EDITOR=true"},
	},
	"envseal set": {
		setup: `
		envseal keygen -o team.key 2>/dev/null
		echo API_TOKEN=t0ps3cret | envseal seal --key file:team.key -o secrets.env.sealed
		printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' > cert.pem`,
		env: []string{"NEW_TOKEN=n3wt0ken"},
	},
	"envseal get": {setup: `
		envseal keygen -o team.key 2>/dev/null
		printf 'DB_PASSWORD=hunter2\nAPI_TOKEN=t0ps3cret\n' | envseal seal --key file:team.key -o secrets.env.sealed`},
	"envseal unset": {setup: `
		envseal keygen -o team.key 2>/dev/null
		printf 'OLD_API_TOKEN=x\nAPI_TOKEN=t0ps3cret\n' | envseal seal --key file:team.key -o secrets.env.sealed`},
	"envseal check": {setup: `
		envseal keygen -o team.key 2>/dev/null
		echo API_TOKEN=t0ps3cret | envseal seal --key file:team.key -o secrets.env.sealed
		echo 'select 1;' | envseal seal --key awskms:///alias/Demo --context env=prod -o db.sql.sealed`},
	"envseal completion": {setup: `mkdir -p ~/.config/fish/completions`},
}

// exampleStandIns are put first on PATH in place of the programs that
// examples pipe from or run, which are not installed here (or would reach
// the network). Each checks that it got something where that is cheap.
var exampleStandIns = map[string]string{
	"pg_dump": `echo "-- PostgreSQL database dump of $*"`,
	"psql":    `test -n "$(cat)"`,
	"curl":    `echo downloaded`,
	"kubectl": `test -s "$KUBECONFIG"`,
	"npm":     `: "${APP_NAME:?}" "${DB_PASSWORD:?}"`,
	"code":    `test "$1" = --wait && test -f "$2"`,
}

// exampleExempt lists commands without their own examples: cobra's
// per-shell completion commands, whose help is the install instructions
// for that shell (envseal completion has the examples).
var exampleExempt = map[string]string{
	"envseal completion bash":       "cobra's install instructions",
	"envseal completion zsh":        "cobra's install instructions",
	"envseal completion fish":       "cobra's install instructions",
	"envseal completion powershell": "cobra's install instructions",
}

// TestExamples runs every command's Example as a user pasting it into a
// shell would: each line that is not a comment is a command (a trailing
// backslash continues it), run in order with bash -o pipefail in a
// directory prepared by exampleFixtures, against a private local-kms (so
// the aliases examples create are new each run), and must exit 0.
func TestExamples(t *testing.T) {
	envseal, err := exec.LookPath("envseal") // this test binary, as testscript.Main installed it
	if err != nil {
		t.Fatal(err)
	}
	path := standIns(t) + string(os.PathListSeparator) + filepath.Dir(envseal) +
		string(os.PathListSeparator) + os.Getenv("PATH")

	root := cli.NewCmdRoot(&cli.IOStreams{}, "")
	for _, c := range allCommands(root) {
		name := c.CommandPath()
		lines := exampleLines(c.Example)
		if len(lines) == 0 {
			if _, ok := exampleExempt[name]; !ok {
				t.Errorf("%s has no Example", name)
			}
			continue
		}
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			srv := testkms.StartT(t)
			dir := t.TempDir()
			fx := exampleFixtures[name]
			env := append(srv.Environ(withoutVar(os.Environ(), "ENVSEAL_KEY")),
				"PATH="+path, "HOME="+dir, "GORACE=atexit_sleep_ms=0")
			env = append(env, fx.env...)
			for _, l := range lines {
				if strings.Contains(l, "pkcs11:") {
					env = append(env, softhsmToken(t, dir, "prod", "1234")...)
					break
				}
			}
			if fx.setup != "" {
				if out, err := runLine(dir, env, "set -e\n"+fx.setup); err != nil {
					t.Fatalf("fixture: %v\n%s", err, out)
				}
			}
			for _, l := range lines {
				if out, err := runLine(dir, env, l); err != nil {
					t.Fatalf("example failed: %v\n  %s\n%s(the files examples use are made by exampleFixtures in cmd/envseal/examples_test.go)", err, l, out)
				}
			}
		})
	}
	for name := range exampleFixtures {
		if c, _, err := root.Find(strings.Fields(name)[1:]); err != nil || c.CommandPath() != name {
			t.Errorf("fixture for %q: no such command", name)
		}
	}
}

func runLine(dir string, env []string, line string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	return cmd.CombinedOutput()
}

// allCommands lists root and every command under it that help shows.
func allCommands(c *cobra.Command) []*cobra.Command {
	all := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			all = append(all, allCommands(sub)...)
		}
	}
	return all
}

// exampleLines returns the commands of an Example: lines that are not
// blank or comments, with backslash continuations joined.
func exampleLines(example string) []string {
	var lines []string
	var cont string
	for _, l := range strings.Split(example, "\n") {
		l = strings.TrimSpace(l)
		if cont == "" && (l == "" || strings.HasPrefix(l, "#")) {
			continue
		}
		if s, ok := strings.CutSuffix(l, `\`); ok {
			cont += s
			continue
		}
		lines = append(lines, cont+l)
		cont = ""
	}
	if cont != "" {
		lines = append(lines, cont)
	}
	return lines
}

// standIns writes exampleStandIns to a directory for PATH. jq is the real
// one when installed (it checks the field names of inspect --json).
func standIns(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	progs := maps.Clone(exampleStandIns)
	if _, err := exec.LookPath("jq"); err != nil {
		progs["jq"] = `cat >/dev/null`
	}
	for name, body := range progs {
		writeFile(t, filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"))
		if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// softhsmToken makes a SoftHSM2 token store in dir with one token and
// returns the environment that points envseal at it. Without SoftHSM2 it
// skips the test, or fails it in CI, as the [softhsm] condition does.
func softhsmToken(t *testing.T, dir, label, pin string) []string {
	t.Helper()
	module, util, err := testhsm.Find()
	if err != nil {
		testci.Require(t, "SoftHSM2", "apt-get install softhsm2, or set SOFTHSM2_MODULE", err)
	}
	store := filepath.Join(dir, "softhsm")
	if err := os.MkdirAll(filepath.Join(store, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(store, "softhsm2.conf")
	writeFile(t, conf, []byte(testhsm.Config(filepath.Join(store, "tokens"))))
	cmd := exec.Command(util, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", testhsm.SOPIN)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("softhsm2-util: %v: %s", err, out)
	}
	return []string{"SOFTHSM2_CONF=" + conf, "ENVSEAL_PKCS11_MODULE=" + module}
}

func withoutVar(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
