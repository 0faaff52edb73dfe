package testkms

import (
	"github.com/envseal/envseal/internal/kmsfault"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Call is one HTTP request a KMS client sent.
type Call struct {
	Op     string // e.g. "GenerateDataKey", from X-Amz-Target
	Region string // the region the request was signed for
}

// Recorder records the requests a KMS client sends, at the HTTP layer, so
// a test can count real round trips to the real server (retries included)
// without replacing the server.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

// Option installs the recorder in a KMS client (pass it as an optFn).
func (r *Recorder) Option() func(*kms.Options) {
	return func(o *kms.Options) { o.HTTPClient = &recordingClient{next: o.HTTPClient, r: r} }
}

// Count returns how many requests for op were sent.
func (r *Recorder) Count(op string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.Op == op {
			n++
		}
	}
	return n
}

// Calls returns the requests sent so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

type recordingClient struct {
	next kms.HTTPClient
	r    *Recorder
}

func (c *recordingClient) Do(req *http.Request) (*http.Response, error) {
	_, op, _ := strings.Cut(req.Header.Get("X-Amz-Target"), ".")
	c.r.mu.Lock()
	c.r.calls = append(c.r.calls, Call{Op: op, Region: kmsfault.SignedRegion(req.Header.Get("Authorization"))})
	c.r.mu.Unlock()
	return c.next.Do(req)
}
