package testkms

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a running local-kms.
type Server struct {
	// Addr is 127.0.0.1:PORT. local-kms listens on all interfaces, but it
	// is only ever addressed on loopback.
	Addr string
	// Dir holds the seed, the database and nothing else; Stop removes it.
	Dir string
	// Region is what the server puts in the ARNs it issues.
	Region string

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	log  *tail
	once sync.Once
}

// startTimeout bounds how long local-kms may take to log its port.
const startTimeout = 20 * time.Second

// Start runs local-kms with PORT=0 (the kernel picks a free port), a fresh
// data directory and the seed, and waits until it logs the port it bound.
func Start() (*Server, error) { return StartRegion(Region) }

// StartRegion is Start for a server that plays KMS in region: its ARNs
// name that region. Its seed is the same, so MRKKeyID there is a replica
// of the key in any other region's server. local-kms itself ignores the
// region a request is signed for; routing requests by region is the
// test's job (kmsfault.Proxy.Route).
func StartRegion(region string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "envseal-local-kms-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, Region: region, done: make(chan struct{}), log: &tail{}}
	if err := s.start(bin); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) start(bin string) error {
	seed := filepath.Join(s.Dir, "seed.yaml")
	if err := os.WriteFile(seed, Seed, 0o600); err != nil {
		return err
	}
	s.cmd = exec.Command(bin)
	s.cmd.Env = append(os.Environ(), "PORT=0", "KMS_DATA_PATH="+filepath.Join(s.Dir, "data"),
		"KMS_REGION="+s.Region, "KMS_ACCOUNT_ID="+AccountID, "KMS_SEED_PATH="+seed)
	s.cmd.SysProcAttr = sysProcAttr()
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("failed to start local-kms: %w", err)
	}
	port := make(chan string, 1)
	go s.readLog(stderr, port)
	go func() { s.cmd.Wait(); close(s.done) }()
	select {
	case p := <-port:
		s.Addr = "127.0.0.1:" + p
		return nil
	case <-s.done:
		return fmt.Errorf("local-kms exited before listening: %s", s.log.String())
	case <-time.After(startTimeout):
		s.Stop()
		return fmt.Errorf("local-kms did not report its port within %v: %s", startTimeout, s.log.String())
	}
}

var (
	ansi      = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	startedOn = regexp.MustCompile(`Local KMS started on \S*:([0-9]+)`)
)

// readLog keeps reading local-kms's log (it would block on a full pipe
// otherwise), keeps its tail for error messages, and sends the port from
// the "started on" line, colours stripped.
func (s *Server) readLog(r io.Reader, port chan<- string) {
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		line := ansi.ReplaceAllString(sc.Text(), "")
		s.log.add(line)
		if m := startedOn.FindStringSubmatch(line); m != nil && !sent {
			port <- m[1]
			sent = true
		}
	}
	io.Copy(io.Discard, r)
}

// Stop ends the process by its PID (SIGTERM, then SIGKILL after a grace
// period) and removes Dir. It is safe to call more than once.
func (s *Server) Stop() error {
	var err error
	s.once.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil {
			s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.done:
			case <-time.After(5 * time.Second):
				s.cmd.Process.Kill()
				<-s.done
			}
		}
		err = os.RemoveAll(s.Dir)
	})
	return err
}

// Endpoint returns the server's URL, as AWS_ENDPOINT_URL_KMS takes it.
func (s *Server) Endpoint() string { return "http://" + s.Addr }

// URI returns an awskms URI for keyRef (alias/NAME, key id or ARN) with
// this server as the endpoint override.
func (s *Server) URI(keyRef string) string { return "awskms://" + s.Addr + "/" + keyRef }

// tail keeps the last lines of a log.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lines = append(t.lines, line); len(t.lines) > 20 {
		t.lines = t.lines[1:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 0 {
		return "(no output)"
	}
	return strings.Join(t.lines, " | ")
}

var errNotStarted = errors.New("local-kms was not started")
