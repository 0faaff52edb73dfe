package testkms

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/envseal/envseal/internal/testci"
)

var (
	shared   *Server
	startErr error = errNotStarted
)

// Main starts a shared local-kms, points the environment at it (see Env),
// runs the tests, stops the server and exits. Use it as the whole TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

// Run is Main without the exit, for a TestMain that is itself wrapped (as
// testscript.Main wraps the command tests).
func Run(m interface{ Run() int }) int { return run(m) }

// Shared returns the server Main or Run started, or nil if none runs.
func Shared() *Server { return shared }

func run(m interface{ Run() int }) int {
	if fuzzWorker() {
		// Fuzz workers run only the fuzz target, which needs no server.
		return m.Run()
	}
	srv, err := Start()
	if err != nil {
		startErr = err
		if testci.Enabled() {
			fmt.Fprintf(os.Stderr, "testkms: CI is set and KMS tests may not skip: %v\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "testkms: KMS tests will skip: %v\n", err)
		if err := isolate(); err != nil {
			fmt.Fprintf(os.Stderr, "testkms: %v\n", err)
			return 1
		}
		return m.Run()
	}
	defer srv.Stop()
	if err := srv.SetEnv(); err != nil {
		fmt.Fprintf(os.Stderr, "testkms: %v\n", err)
		return 1
	}
	shared = srv
	return m.Run()
}

// Get returns the shared server started by Main. Without one it fails the
// test in CI and skips it elsewhere, saying why.
func Get(t testing.TB) *Server {
	t.Helper()
	if shared == nil {
		unavailable(t, startErr)
	}
	return shared
}

// StartT starts a private server for one test, stopped at cleanup: for
// tests that stop the server on purpose. It fails or skips like Get.
func StartT(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	testci.Require(t, "local-kms", "go install "+Module+"@"+Version+", or set LOCAL_KMS", err)
}

// fuzzWorker reports whether this process is a `go test -fuzz` worker.
func fuzzWorker() bool {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-test.fuzzworker") {
			return true
		}
	}
	return false
}
