package main

import (
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/envseal/envseal/internal/kmsfault"
	"github.com/envseal/envseal/internal/testkms"
	"github.com/rogpeppe/go-internal/testscript"
)

// proxies holds each script's KMS fault proxy, started by its first
// kmsfault command and closed when the script ends.
var proxies sync.Map // *testscript.TestScript -> *kmsfault.Proxy

// kmsfault [-op OP] MODE N [DELAY] puts a fault-injecting proxy in front
// of local-kms (see internal/kmsfault) and points AWS_ENDPOINT_URL_KMS at
// it: the next N requests (all, for -1), or with -op the next N requests
// for OP, get MODE (pass, throttle, error500, slow, drop, deny); DELAY is
// for slow. It resets the counts kmscalls checks.
func cmdKmsfault(ts *testscript.TestScript, neg bool, args []string) {
	var op string
	if len(args) > 2 && args[0] == "-op" {
		op, args = args[1], args[2:]
	}
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: kmsfault [-op OP] mode n [delay]")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var delay time.Duration
	if len(args) == 3 {
		delay, err = time.ParseDuration(args[2])
		ts.Check(err)
	}
	p := scriptProxy(ts)
	f, err := kmsfault.ParseFault(args[0])
	ts.Check(err)
	if op != "" && !slices.Contains(kmsOps, op) {
		ts.Fatalf("kmsfault: -op %q is not one of %v", op, kmsOps)
	}
	p.SetFor(op, f, n, delay)
}

// scriptProxy returns the script's proxy, starting it in front of the
// shared local-kms and pointing AWS_ENDPOINT_URL_KMS at it on first use.
func scriptProxy(ts *testscript.TestScript) *kmsfault.Proxy {
	if p, ok := proxies.Load(ts); ok {
		return p.(*kmsfault.Proxy)
	}
	p, err := kmsfault.Start("http://" + ts.Getenv("KMS_ADDR"))
	ts.Check(err)
	proxies.Store(ts, p)
	ts.Defer(func() { p.Close(); proxies.Delete(ts) })
	ts.Setenv("AWS_ENDPOINT_URL_KMS", p.URL)
	return p
}

// regionServers holds the local-kms servers kmsregion started, by script
// and region.
var regionServers sync.Map // regionKey -> *testkms.Server

type regionKey struct {
	ts     *testscript.TestScript
	region string
}

// kmsregion REGION starts a private local-kms that plays KMS in REGION
// (seeded like the shared one, so the seeded mrk- key there is a replica)
// and has the script's proxy send it the requests signed for REGION, as
// AWS's regional endpoints would. kmsregion -stop REGION stops that
// server: REGION is then down, and its requests find no one there.
func cmdKmsregion(ts *testscript.TestScript, neg bool, args []string) {
	stop := len(args) == 2 && args[0] == "-stop"
	if stop {
		args = args[1:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: kmsregion [-stop] region")
	}
	key := regionKey{ts, args[0]}
	if stop {
		s, ok := regionServers.Load(key)
		if !ok {
			ts.Fatalf("kmsregion -stop %s: no server started for it", args[0])
		}
		ts.Check(s.(*testkms.Server).Stop())
		return
	}
	if _, ok := regionServers.Load(key); ok {
		ts.Fatalf("kmsregion %s: already started", args[0])
	}
	p := scriptProxy(ts)
	s, err := testkms.StartRegion(args[0])
	ts.Check(err)
	regionServers.Store(key, s)
	ts.Defer(func() { s.Stop(); regionServers.Delete(key) })
	ts.Check(p.Route(args[0], s.Endpoint()))
}

// kmsOps are the KMS operations scripts may name: those envseal sends, and
// Verify, which it must not (it verifies locally).
var kmsOps = []string{"CreateAlias", "CreateKey", "Decrypt", "DescribeKey", "Encrypt",
	"GenerateDataKey", "GetPublicKey", "ReEncrypt", "Sign", "Verify"}

// kmscalls OP N asserts that N requests for OP went through the proxy
// since the last kmsfault: retries are bounded in number, not only in time.
func cmdKmscalls(ts *testscript.TestScript, neg bool, args []string) {
	var region string
	if len(args) == 4 && args[0] == "-region" {
		region, args = args[1], args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: kmscalls [-region REGION] op n")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	if !slices.Contains(kmsOps, args[0]) { // a typo would count 0 and pass
		ts.Fatalf("kmscalls: %q is not one of %v", args[0], kmsOps)
	}
	p, ok := proxies.Load(ts)
	if !ok {
		ts.Fatalf("kmscalls before kmsfault")
	}
	got := p.(*kmsfault.Proxy).Calls(args[0])
	if region != "" {
		got = p.(*kmsfault.Proxy).CallsIn(region, args[0])
	}
	if got != want {
		ts.Fatalf("%d %s requests%s, want %d", got, args[0], inRegion(region), want)
	}
}

// exitwithin MAX N CMD ARGS... runs CMD, asserts exit status N, and that
// it took at most MAX: a failure must come in bounded time, never a hang.
func cmdExitwithin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: exitwithin max n command [args...]")
	}
	limit, err := time.ParseDuration(args[0])
	ts.Check(err)
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	start := time.Now()
	got := 0
	if err := ts.Exec(args[2], args[3:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	took := time.Since(start)
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
	if took > limit {
		ts.Fatalf("took %v, limit %v", took.Round(time.Millisecond), limit)
	}
	ts.Logf("took %v", took.Round(time.Millisecond))
}

func inRegion(region string) string {
	if region == "" {
		return ""
	}
	return " in " + region
}
