package testkms

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Binary returns the path of a local-kms binary at the pinned Version. It
// uses $LOCAL_KMS if set (trusted as is), else local-kms from PATH or
// GOBIN/GOPATH/bin if its build info says it is the pinned version, else
// runs `go install Module@Version`, as scripts/localkms.sh does.
func Binary() (string, error) {
	if p := os.Getenv("LOCAL_KMS"); p != "" {
		return p, nil
	}
	for _, p := range candidates() {
		if pinned(p) {
			return p, nil
		}
	}
	if err := install(); err != nil {
		return "", err
	}
	for _, p := range candidates() {
		if pinned(p) {
			return p, nil
		}
	}
	return "", errors.New("go install succeeded but no pinned local-kms was found in GOBIN or GOPATH/bin")
}

// candidates lists where local-kms may be installed.
func candidates() []string {
	var ps []string
	if p, err := exec.LookPath("local-kms"); err == nil {
		ps = append(ps, p)
	}
	if out, err := exec.Command(goTool(), "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) == 2 {
			if lines[0] != "" {
				ps = append(ps, filepath.Join(lines[0], "local-kms"))
			}
			for _, gp := range filepath.SplitList(lines[1]) {
				ps = append(ps, filepath.Join(gp, "bin", "local-kms"))
			}
		}
	}
	return ps
}

// pinned reports whether the binary at p was built from Module@Version.
func pinned(p string) bool {
	info, err := buildinfo.ReadFile(p)
	return err == nil && info.Main.Path == Module && info.Main.Version == Version
}

func install() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(), "install", Module+"@"+Version)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("local-kms is not installed and go install %s@%s failed: %v: %s",
			Module, Version, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// goTool finds the go command: go test does not always put it on PATH.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}
