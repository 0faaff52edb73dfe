package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testageplugin"
	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the envseal binary inside scripts,
// so the scripts run commands exactly as a shell user types them.
//
// The top-level test process also starts one local-kms for all scripts
// (testkms); scripts get its address and fake credentials in Setup.
func TestMain(m *testing.M) {
	cmds := map[string]func(){
		"envseal": main,
		// A real age plugin on PATH, for age, age-keygen and envseal.
		"age-plugin-" + testageplugin.Name: func() { os.Exit(testageplugin.Main()) },
	}
	maps.Copy(cmds, dumpableCmds)
	testscript.Main(withKMS{m}, cmds)
}

type withKMS struct{ m *testing.M }

func (w withKMS) Run() int { return testkms.Run(w.m) }

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exitcode":    cmdExitcode,
			"flipbyte":    cmdFlipbyte,
			"truncate":    cmdTruncate,
			"notemp":      cmdNotemp,
			"softhsm":     cmdSofthsm,
			"samepayload": cmdSamepayload,
			"sameheader":  cmdSameheader,
			"hardlink":    cmdHardlink,
			"stanzabody":  cmdStanzabody,
			"jsonl":       cmdJsonl,

			"kmsfault":   cmdKmsfault,
			"kmscalls":   cmdKmscalls,
			"kmsregion":  cmdKmsregion,
			"exitwithin": cmdExitwithin,
			"bigpipe":    cmdBigpipe,
		},
		Condition: condition,
		Setup: func(env *testscript.Env) error {
			// No key may leak in from the developer's shell.
			env.Setenv("ENVSEAL_KEY", "")
			// Under -race the runtime sleeps 1s at every exit by default;
			// scripts run envseal hundreds of times.
			env.Setenv("GORACE", "atexit_sleep_ms=0")
			if srv := testkms.Shared(); srv != nil {
				for _, kv := range srv.Env() {
					k, v, _ := strings.Cut(kv, "=")
					env.Setenv(k, v)
				}
				env.Setenv("KMS_ADDR", srv.Addr)
			}
			// The repository root, for scripts that test files in it
			// (.pre-commit-hooks.yaml).
			root, err := filepath.Abs(filepath.Join("..", ".."))
			if err != nil {
				return err
			}
			env.Setenv("REPO_ROOT", root)
			// Aliases a script creates live on the shared server for the
			// whole test binary: $RUN makes them unique to this run of the
			// script, so -count=2 does not find them taken.
			env.Setenv("RUN", runSuffix())
			return copyVectors(env.WorkDir)
		},
	})
}

// runSuffix returns a short random name part.
func runSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// exitcode N CMD ARGS... runs CMD and asserts its exit status is N.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// flipbyte FILE OFFSET flips the low bit of one byte; a negative offset
// counts from the end.
func cmdFlipbyte(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: flipbyte file offset")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	off, err := strconv.Atoi(args[1])
	ts.Check(err)
	if off < 0 {
		off += len(data)
	}
	data[off] ^= 1
	ts.Check(os.WriteFile(path, data, 0o644))
}

// truncate FILE N cuts FILE to N bytes; a negative N removes bytes from the end.
func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: truncate file size")
	}
	path := ts.MkAbs(args[0])
	fi, err := os.Stat(path)
	ts.Check(err)
	n, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	if n < 0 {
		n += fi.Size()
	}
	ts.Check(os.Truncate(path, n))
}

// notemp DIR fails if an envseal temp file was left behind in DIR.
func cmdNotemp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: notemp dir")
	}
	m, err := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), ".envseal-*"))
	ts.Check(err)
	if len(m) > 0 {
		ts.Fatalf("temp files left behind: %v", m)
	}
}

// hardlink OLD NEW makes NEW another name of OLD's file (testscript's
// own symlink command makes symbolic links only).
func cmdHardlink(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: hardlink old new")
	}
	ts.Check(os.Link(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
}

// copyVectors puts the committed format vectors in $WORK/vectors so that
// scripts can run the binary on them.
func copyVectors(work string) error {
	src := filepath.Join("..", "..", "testdata", "vectors")
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	dst := filepath.Join(work, "vectors")
	if err := os.Mkdir(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// condition answers [kms], [softhsm], [pkcs11tool], [age], [git] and
// [pre-commit]: whether local-kms runs, SoftHSM2 is installed, and OpenSC's
// pkcs11-tool, age, age-keygen, ssh-keygen, git and pre-commit are on
// PATH. In CI all must be there: a script may not skip.
func condition(cond string) (bool, error) {
	var ok bool
	switch cond {
	case "kms":
		ok = testkms.Shared() != nil
	case "softhsm":
		_, _, err := testhsm.Find()
		ok = err == nil
	case "git", "pre-commit":
		_, err := exec.LookPath(cond)
		ok = err == nil
	case "pkcs11tool":
		// OpenSC's pkcs11-tool, to make token keys the way users do.
		_, err := exec.LookPath("pkcs11-tool")
		ok = err == nil
	case "age":
		ok = true
		for _, tool := range []string{"age", "age-keygen", "ssh-keygen"} {
			if _, err := exec.LookPath(tool); err != nil {
				ok = false
			}
		}
	default:
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if !ok && testci.Enabled() {
		return false, fmt.Errorf("[%s] is required in CI", cond)
	}
	return ok, nil
}

// softhsm LABEL PIN makes a private SoftHSM2 token store in $WORK with one
// token, and points SOFTHSM2_CONF and ENVSEAL_PKCS11_MODULE at it.
func cmdSofthsm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: softhsm label pin")
	}
	module, util, err := testhsm.Find()
	ts.Check(err)
	dir := ts.MkAbs("softhsm")
	ts.Check(os.MkdirAll(filepath.Join(dir, "tokens"), 0o700))
	conf := filepath.Join(dir, "softhsm2.conf")
	ts.Check(os.WriteFile(conf, []byte(testhsm.Config(filepath.Join(dir, "tokens"))), 0o600))
	cmd := exec.Command(util, "--init-token", "--free", "--label", args[0], "--pin", args[1], "--so-pin", testhsm.SOPIN)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		ts.Fatalf("softhsm2-util: %v: %s", err, out)
	}
	ts.Setenv("SOFTHSM2_CONF", conf)
	ts.Setenv("ENVSEAL_PKCS11_MODULE", module)
}

// jsonl FILE KEY... parses FILE as JSON Lines, one object a line, and
// prints for each the values of KEYs, separated by spaces: strings as they
// are, arrays of strings joined by commas, a missing key as "-". A line
// that is not a JSON object fails the script.
func cmdJsonl(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: jsonl file key...")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			ts.Fatalf("jsonl: %q: %v", sc.Text(), err)
		}
		vals := make([]string, 0, len(args)-1)
		for _, k := range args[1:] {
			switch v := rec[k].(type) {
			case nil:
				vals = append(vals, "-")
			case string:
				vals = append(vals, v)
			case []any:
				parts := make([]string, len(v))
				for i, e := range v {
					parts[i] = fmt.Sprint(e)
				}
				vals = append(vals, strings.Join(parts, ","))
			default:
				vals = append(vals, fmt.Sprint(v))
			}
		}
		fmt.Fprintln(ts.Stdout(), strings.Join(vals, " "))
	}
	ts.Check(sc.Err())
}
