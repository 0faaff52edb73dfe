#!/usr/bin/env bash
# Runs every Go fuzz target (go test -list '^Fuzz' over ./...) for FUZZTIME
# each, default 1m, and prints how many inputs each one tried. This is the
# long run; scripts/test.sh calls it with FUZZTIME=5s.
#
#   scripts/fuzz.sh                      # every target, 1 minute each
#   FUZZTIME=10m FUZZ=Decrypt scripts/fuzz.sh   # targets matching a regexp
#
# Seed corpora live in each package's testdata/fuzz/FuzzXxx/. When a target
# fails, go test writes the input there: keep it (git add) as a regression
# seed once the bug is fixed. The corpus the fuzzer grows on its own stays
# in $(go env GOCACHE)/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-1m}"
FUZZ="${FUZZ:-.}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# fuzz_once runs one target. The Go fuzzer sometimes ends a time-limited
# run with a bare "context deadline exceeded" and no failing input when the
# time runs out while a worker is busy (more often on a loaded machine); that
# is not a finding, so such a run is tried once more. A real finding always
# writes its input to testdata/fuzz and is never retried.
fuzz_once() {
  local pkg=$1 target=$2 try
  for try in 1 2; do
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1 && return 0
    grep -aq 'Failing input written to' "$log" && return 1
    grep -aq 'context deadline exceeded' "$log" || return 1
    echo "fuzz: $target: the fuzzer timed out without a finding; trying once more" >&2
  done
  return 1
}

failed=()
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' | grep -E -- "$FUZZ" || true); do
    if fuzz_once "$pkg" "$target"; then
      last=$(grep -a 'fuzz: elapsed:' "$log" | tail -n 1 | sed -E 's/.*elapsed: ([^,]+), execs: ([0-9]+).*/\2 execs in \1/')
      echo "fuzz: ${pkg#github.com/envseal/envseal/} $target: ${last:-ok}"
    else
      echo "fuzz: ${pkg#github.com/envseal/envseal/} $target: FAILED" >&2
      grep -av '^fuzz: elapsed' "$log" | tail -n 40 >&2
      failed+=("$pkg $target")
    fi
  done
done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
