package testkms_test

import (
	"bytes"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testkms"
)

// The script and the Go harness must start the same local-kms.
func TestScriptPinMatches(t *testing.T) {
	script, err := os.ReadFile("../../scripts/localkms.sh")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"LOCAL_KMS_MODULE":     testkms.Module,
		"LOCAL_KMS_VERSION":    testkms.Version,
		"LOCAL_KMS_REGION":     testkms.Region,
		"LOCAL_KMS_ACCOUNT_ID": testkms.AccountID,
	} {
		m := regexp.MustCompile(`(?m)^` + name + `=(\S+)$`).FindSubmatch(script)
		if m == nil || string(m[1]) != want {
			t.Errorf("scripts/localkms.sh sets %s to %q, want %q", name, m, want)
		}
	}
	for _, s := range []string{testkms.AccessKeyID, testkms.SecretAccessKey, "internal/testkms/seed.yaml"} {
		if !bytes.Contains(script, []byte(s)) {
			t.Errorf("scripts/localkms.sh does not mention %q", s)
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
