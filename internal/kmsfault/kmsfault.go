// Package kmsfault is a reverse proxy on loopback, in front of a KMS API
// server (local-kms in tests), that injects the faults a real server cannot
// produce on demand: throttling, internal errors, slow answers and dropped
// connections. Requests it does not fault reach the real server unchanged,
// so a test sees the SDK's real retries end in a real answer.
//
//	p, err := kmsfault.Start("http://127.0.0.1:4599")
//	defer p.Close()
//	p.Set(kmsfault.Throttle, 2, 0) // the next 2 requests are throttled
//	os.Setenv("AWS_ENDPOINT_URL_KMS", p.URL)
//
// It also stands in for AWS's regional endpoints: the SDK sends every
// region to the one endpoint AWS_ENDPOINT_URL_KMS names, and Route sends
// the requests signed for a region to that region's server, so a test can
// run one local-kms per region, stop one, and watch a client fall back,
// with no endpoint mapping in the code under test.
package kmsfault

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does to a request.
type Fault string

const (
	// Pass forwards the request.
	Pass Fault = "pass"
	// Throttle answers 400 ThrottlingException, as KMS does past its
	// request quota: the error code in both X-Amzn-ErrorType and __type.
	Throttle Fault = "throttle"
	// Internal answers 500 KMSInternalException.
	Internal Fault = "error500"
	// Slow holds the request for the delay (or until the client gives
	// up), then forwards it.
	Slow Fault = "slow"
	// Drop closes the connection without an answer.
	Drop Fault = "drop"
	// Deny answers 400 AccessDeniedException, as KMS does when a key
	// policy or IAM policy does not allow the operation; local-kms has no
	// policies to deny with.
	Deny Fault = "deny"
	// NotFound answers 400 NotFoundException, as KMS does for a key it
	// does not know (another account, another endpoint).
	NotFound Fault = "notfound"
)

// ParseFault returns the Fault named s, so that a mistyped name fails a
// test instead of never firing.
func ParseFault(s string) (Fault, error) {
	switch f := Fault(s); f {
	case Pass, Throttle, Internal, Slow, Drop, Deny, NotFound:
		return f, nil
	}
	return "", fmt.Errorf("kmsfault: unknown fault %q", s)
}

// maxDelay bounds Slow, so a mistaken test cannot park a request for long.
const maxDelay = 5 * time.Minute

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	// URL is http://127.0.0.1:PORT: the proxy listens on loopback only.
	URL string

	srv    *httptest.Server
	next   http.Handler
	routes map[string]http.Handler // by the region a request is signed for
	done   chan struct{}           // closed by Close: releases held requests
	mu     sync.Mutex
	fault  Fault
	op     string // fault only requests for this operation; "" means all
	left   int    // requests still to fault; negative means all
	delay  time.Duration
	calls  map[string]int // by op, and by "REGION/op"
}

// Start starts a proxy in front of target, a plain-http loopback URL.
func Start(target string) (*Proxy, error) {
	u, err := loopbackURL(target)
	if err != nil {
		return nil, err
	}
	p := &Proxy{fault: Pass, calls: map[string]int{}, done: make(chan struct{}),
		next: reverseProxy(u), routes: map[string]http.Handler{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve)) // binds 127.0.0.1:0
	p.URL = p.srv.URL
	return p, nil
}

// reverseProxy forwards to u; when u does not answer (its server was
// stopped), the client's connection is closed without a response, as an
// unreachable endpoint would leave it, instead of a 502 from the proxy
// that no real KMS would send.
func reverseProxy(u *url.URL) http.Handler {
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { drop(w) }
	return rp
}

// Route sends the requests signed for region (SigV4's credential scope)
// to target, a plain-http loopback URL, instead of the proxy's target.
func (p *Proxy) Route(region, target string) error {
	u, err := loopbackURL(target)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.routes[region] = reverseProxy(u)
	return nil
}

// loopbackURL refuses targets off this machine: the proxy sees signed
// requests and must never send them anywhere else.
func loopbackURL(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("kmsfault: bad target %q: %w", target, err)
	}
	ip := net.ParseIP(u.Hostname())
	if u.Scheme != "http" || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("kmsfault: target %q is not http://LOOPBACK-IP:PORT", target)
	}
	return u, nil
}

// Set makes the next n requests (all, if n < 0) get fault f, with delay
// for Slow, and resets the call counts.
func (p *Proxy) Set(f Fault, n int, delay time.Duration) { p.SetFor("", f, n, delay) }

// SetFor is Set for the requests for op (e.g. "ReEncrypt") only; other
// requests pass, and are counted.
func (p *Proxy) SetFor(op string, f Fault, n int, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.op, p.left, p.delay = f, op, n, min(delay, maxDelay)
	p.calls = map[string]int{}
}

// Calls returns how many requests for op (e.g. "GenerateDataKey") arrived
// since the last Set, faulted or not.
func (p *Proxy) Calls(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[op]
}

// CallsIn is Calls for the requests signed for region.
func (p *Proxy) CallsIn(region, op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[region+"/"+op]
}

// Close stops the proxy and breaks the connections it holds.
func (p *Proxy) Close() {
	close(p.done)
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// take counts a request for op signed for region and returns what to do
// with it, and where to send it.
func (p *Proxy) take(op, region string) (Fault, time.Duration, http.Handler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[op]++
	p.calls[region+"/"+op]++
	next := p.next
	if h, ok := p.routes[region]; ok {
		next = h
	}
	if p.left == 0 || (p.op != "" && p.op != op) {
		return Pass, 0, next
	}
	if p.left > 0 {
		p.left--
	}
	return p.fault, p.delay, next
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	f, delay, next := p.take(op, SignedRegion(r.Header.Get("Authorization")))
	switch f {
	case Throttle:
		apiError(w, http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
	case Internal:
		apiError(w, http.StatusInternalServerError, "KMSInternalException", "injected internal error")
	case NotFound:
		apiError(w, http.StatusBadRequest, "NotFoundException", "injected: key does not exist")
	case Deny:
		apiError(w, http.StatusBadRequest, "AccessDeniedException", "injected: not authorized to perform kms:"+op)
	case Drop:
		drop(w)
	case Slow:
		p.hold(w, r, delay, next)
	default:
		next.ServeHTTP(w, r)
	}
}

// SignedRegion extracts REGION from a SigV4 Authorization header,
// "... Credential=AKID/DATE/REGION/kms/aws4_request, ...", or "": the
// region a request was made for, which both this proxy's routing and
// testkms's recorder need.
func SignedRegion(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}

// hold forwards r after delay, unless the client or the proxy goes away
// first. The body is read up front: only then does the server notice a
// client that hung up, and cancel r's context.
func (p *Proxy) hold(w http.ResponseWriter, r *http.Request, delay time.Duration, next http.Handler) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		next.ServeHTTP(w, r)
	case <-r.Context().Done():
	case <-p.done:
	}
}

// apiError answers as the KMS JSON 1.1 protocol does.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", "kmsfault-0000")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
}

// drop closes the client's connection with no response at all.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("kmsfault: connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}
