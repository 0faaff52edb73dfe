#!/usr/bin/env bash
# Runs every test: static checks, unit and CLI tests (with the real local-kms
# and SoftHSM2 backends, every fuzz target's seed corpus included), the demo
# and the CGO_ENABLED=0 build. Fuzzing itself is not here: .ci/run adds a
# 2-second run of every target after this script, and scripts/fuzz.sh (1m
# per target) is the long run to do after changing any parser. Keeping it
# out keeps this script, the one to run before every push, under five
# minutes on a fresh 2-core machine.
#
# The mutation suite (TestVectorMutations) runs here with every header byte
# and a sample of payload bytes; scripts/mutants.sh is the full sweep, which
# must pass before any change to the file format or the vectors lands.
set -euo pipefail
cd "$(dirname "$0")/.."

# step NAME: print a section header with the seconds since the start and
# the CPU seconds used so far (user+system, of every command run), so a
# slow section shows in the log, and whether it waited or worked.
step() { times >"$times_file"; echo "== [+${SECONDS}s, cpu $(cpu_seconds)s] $*"; }
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
cpu_seconds() {
  # times must run in this shell, not in the $(...) subshell that calls
  # cpu_seconds, whose children are not these. Its second line is the
  # children's user and system time: "1m2.5s 0m3.1s".
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }; printf "%d", t }' "$times_file"
}
SECONDS=0

step "dependencies (scripts/deps.sh)"
scripts/deps.sh
export PATH="$(go env GOPATH)/bin:$PATH"

step "static checks (gofmt, go mod tidy)"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on: $unformatted" >&2
  exit 1
fi
# go.mod and go.sum must be what go mod tidy makes of the code: a missing
# or stale requirement fails here, not in a user's build.
if ! tidy=$(go mod tidy -diff 2>&1); then
  echo "go.mod or go.sum is not tidy: run 'go mod tidy' and commit the result." >&2
  echo "go mod tidy -diff says:" >&2
  echo "$tidy" >&2
  exit 1
fi

# analyze runs go vet, staticcheck and govulncheck. govulncheck reads a pinned copy
# of the vulnerability database (see deps.sh) and scans with the toolchain
# go.mod names (GOTOOLCHAIN=auto): the standard library's vulnerabilities
# are those of the Go that releases are built with.
analyze() {
  local osv
  go vet ./...
  staticcheck ./...
  osv=$(scripts/deps.sh vulndb-dir)
  GOTOOLCHAIN=auto govulncheck -db "file://$osv" ./...
}

# nocgo checks the release build: without cgo (as release cross-builds
# are), with the version injected, explaining the missing PKCS#11 support.
nocgo() {
  local bin out
  bin=$(mktemp -d)
  CGO_ENABLED=0 go build -ldflags "-X main.version=v0.0.0-citest" -o "$bin/envseal" ./cmd/envseal
  "$bin/envseal" --version | grep -qx 'envseal v0.0.0-citest' || { echo "version not injected" >&2; return 1; }
  out=$("$bin/envseal" open --key 'pkcs11:token=T;object=k' /dev/null 2>&1 || true)
  grep -q 'no PKCS#11 support' <<<"$out" ||
    { echo "CGO_ENABLED=0 build does not explain missing PKCS#11 support: $out" >&2; return 1; }
  CGO_ENABLED=0 go test -count=1 ./pkg/keyprovider/pkcs11/
  rm -rf "$bin"
}

step "tests (go test -race, the CLI scripts without -race), with vet, staticcheck, govulncheck and the build without cgo beside them"
log=$(mktemp)
summary=$(mktemp)
nocgo_log=$(mktemp)
analyze_log=$(mktemp)
trap 'rm -f "$log" "$log.cli" "$log.report" "$summary" "$nocgo_log" "$analyze_log" "$times_file"' EXIT
# The tests leave a core idle much of the time (CLI scripts waiting on
# signals, timeouts and child processes): the static analysis and the
# no-cgo build run beside them rather than before or after, each with its
# output in a log shown if it fails.
analyze >"$analyze_log" 2>&1 &
analyze_pid=$!
nocgo >"$nocgo_log" 2>&1 &
nocgo_pid=$!
go build -o "$log.report" ./internal/testreport
status=0
# Every package runs under the race detector but cmd/envseal, whose tests
# run the binary itself thousands of times (testscripts): a race-built
# binary costs far more to start and run, which put this script over its
# five-minute budget. The CLI's concurrency (batches, exec's supervision,
# the stream pipeline) is race-tested in its own packages here, and CI
# (.ci/run) runs cmd/envseal under -race as well. Both halves run at once.
cli=github.com/envseal/envseal/cmd/envseal
go test -count=1 -json "$cli" >"$log.cli" 2>&1 &
cli_pid=$!
go test -count=1 -race -json $(go list ./... | grep -vx "$cli") >"$log" 2>&1 || status=$?
wait "$cli_pid" || status=$?
cat "$log.cli" >>"$log"
rm -f "$log.cli"
# testreport prints each package's result, the output of every failed test
# (its last 150 lines) and any build or vet errors, and the "Tests:" count
# line; it fails if anything failed.
"$log.report" <"$log" >"$summary" || status=1
cat "$summary"
if ! wait "$analyze_pid"; then
  echo "go vet, staticcheck or govulncheck failed:" >&2
  cat "$analyze_log" >&2
  status=1
else
  echo "go vet, staticcheck: ok; govulncheck: $(grep -m1 -i 'vulnerabilit' "$analyze_log" || echo ok)"
fi
if ! wait "$nocgo_pid"; then
  echo "the build without cgo failed:" >&2
  cat "$nocgo_log" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi

step "the README's demo (scripts/demo.sh) still works end to end"
scripts/demo.sh >/dev/null

tail -n 1 "$summary"
times >"$times_file"
echo "test.sh: passed in ${SECONDS}s (cpu $(cpu_seconds)s)"
