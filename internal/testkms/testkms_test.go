package testkms_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/internal/testci"
	"github.com/envseal/envseal/internal/testkms"
)

// scripts/localkms.sh gets the pin and the environment from this package
// (through internal/testtool): it must not keep copies that could drift.
func TestScriptRepeatsNoFacts(t *testing.T) {
	script, err := os.ReadFile("../../scripts/localkms.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{testkms.Version, testkms.AccountID, testkms.AccessKeyID,
		testkms.SecretAccessKey, "AWS_ROLE_ARN", "AWS_SESSION_TOKEN"} {
		if bytes.Contains(script, []byte(s)) {
			t.Errorf("scripts/localkms.sh repeats %q; take it from go run ./internal/testtool", s)
		}
	}
	if !bytes.Contains(script, []byte("go run ./internal/testtool")) {
		t.Error("scripts/localkms.sh does not ask internal/testtool")
	}
}

// The shell gets the same environment as a process Environ builds: every
// variable Env sets is exported, every variable Environ clears is unset.
func TestShellEnvMatchesEnviron(t *testing.T) {
	sh := testkms.ShellEnv("/tmp/x", "42", "4599")
	s := &testkms.Server{Addr: "127.0.0.1:4599", Dir: "/tmp/x"}
	for _, kv := range s.Env() {
		name, value, _ := strings.Cut(kv, "=")
		if want := "export " + name + "='" + value + "'\n"; !strings.Contains(sh, want) {
			t.Errorf("ShellEnv lacks %q:\n%s", want, sh)
		}
	}
	var unset []string
	for _, line := range strings.Split(sh, "\n") {
		if rest, ok := strings.CutPrefix(line, "unset "); ok {
			unset = append(unset, strings.Fields(rest)...)
		}
	}
	var base []string
	for _, name := range unset {
		base = append(base, name+"=x")
	}
	base = append(base, "AWS_PROFILE=prod", "AWS_MAX_ATTEMPTS=9", "AWS_ROLE_ARN=arn")
	for _, kv := range s.Environ(base) {
		name, value, _ := strings.Cut(kv, "=")
		if value == "x" || value == "prod" || value == "9" || value == "arn" {
			t.Errorf("Environ keeps %s, so ShellEnv's unset list and Environ differ", name)
		}
	}
	for _, name := range []string{"AWS_PROFILE", "AWS_MAX_ATTEMPTS", "AWS_ROLE_ARN"} {
		if !slices.Contains(unset, name) {
			t.Errorf("ShellEnv does not unset %s", name)
		}
	}
	for _, want := range []string{"export LOCAL_KMS_DIR='/tmp/x'", "export LOCAL_KMS_PID='42'",
		"export LOCAL_KMS_ENDPOINT='http://127.0.0.1:4599'"} {
		if !strings.Contains(sh, want) {
			t.Errorf("ShellEnv lacks %s", want)
		}
	}
}

func TestSeedNamesDemoKey(t *testing.T) {
	for _, s := range []string{testkms.DemoKeyID, testkms.DemoAlias} {
		if !bytes.Contains(testkms.Seed, []byte(s)) {
			t.Errorf("seed.yaml does not mention %s", s)
		}
	}
}

func TestStartStop(t *testing.T) {
	s := testkms.StartT(t)
	if !strings.HasPrefix(s.Addr, "127.0.0.1:") {
		t.Fatalf("Addr = %q, want 127.0.0.1:PORT", s.Addr)
	}
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatalf("server not listening: %v", err)
	}
	conn.Close()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Dial("tcp", s.Addr); err == nil {
		t.Error("server still listening after Stop")
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("Stop left %s behind", s.Dir)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestEnviron(t *testing.T) {
	s := &testkms.Server{Addr: "127.0.0.1:4599", Dir: "/tmp/x"}
	env := s.Environ([]string{"AWS_PROFILE=prod", "AWS_REGION=eu-west-1", "HOME=/home/u"})
	got := strings.Join(env, "\n")
	for _, want := range []string{"HOME=/home/u", "AWS_REGION=" + testkms.Region,
		"AWS_ENDPOINT_URL_KMS=http://127.0.0.1:4599"} {
		if !strings.Contains(got, want) {
			t.Errorf("Environ lacks %s:\n%s", want, got)
		}
	}
	for _, bad := range []string{"AWS_PROFILE=", "AWS_REGION=eu-west-1"} {
		if strings.Contains(got, bad) {
			t.Errorf("Environ keeps %s:\n%s", bad, got)
		}
	}
}

// A server started for another region issues ARNs in that region and
// holds the seeded multi-Region key there: a replica of the shared one.
func TestStartRegion(t *testing.T) {
	if !bytes.Contains(testkms.Seed, []byte(testkms.MRKKeyID)) || !bytes.Contains(testkms.Seed, []byte(testkms.MRKAlias)) {
		t.Fatal("seed.yaml does not hold the multi-Region key and its alias")
	}
	s, err := testkms.StartRegion("us-west-2")
	if err != nil {
		testci.Require(t, "local-kms", "go install "+testkms.Module+"@"+testkms.Version, err)
	}
	defer s.Stop()
	c := kms.New(kms.Options{
		Region:       "us-west-2",
		BaseEndpoint: aws.String(s.Endpoint()),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: testkms.AccessKeyID, SecretAccessKey: testkms.SecretAccessKey}, nil
		}),
	})
	out, err := c.DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: aws.String(testkms.MRKAlias)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.KeyMetadata.Arn), testkms.MRKARN("us-west-2"); got != want {
		t.Errorf("alias names %s, want %s", got, want)
	}
}
