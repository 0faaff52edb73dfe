#!/usr/bin/env bash
# Runs every Go fuzz target (go test -list '^Fuzz' over ./...) for FUZZTIME
# each, default 1m, and prints how many inputs each one tried. This is the
# long run, to do after changing any parser; .ci/run calls it with
# FUZZTIME=2s after scripts/test.sh.
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

bins=$(mktemp -d)
trap 'rm -rf "$log" "$bins"' EXIT
cache=$(go env GOCACHE)/fuzz

# Each package with fuzz targets is built once, with the fuzzer's coverage
# instrumentation (go test -c -fuzz), and its binary runs every target in
# turn, from the package directory (so testdata/fuzz is its seed corpus and
# where a failing input is written) and with go test's fuzz cache
# ($GOCACHE/fuzz/IMPORTPATH), as `go test -fuzz` would: one build per
# package instead of one per target.
#
# fuzz_once runs one target. The Go fuzzer sometimes ends a time-limited
# run with a bare "context deadline exceeded" and no failing input when the
# time runs out while a worker is busy (more often on a loaded machine); that
# is not a finding, so such a run is tried once more. A real finding always
# writes its input to testdata/fuzz and is never retried.
fuzz_once() {
  local pkg=$1 dir=$2 bin=$3 target=$4 try
  for try in 1 2; do
    (cd "$dir" && "$bin" -test.run '^$' -test.fuzz "^${target}\$" -test.fuzztime "$FUZZTIME" \
      -test.fuzzcachedir "$cache/$pkg") >"$log" 2>&1 && return 0
    grep -aq 'Failing input written to' "$log" && return 1
    grep -aq 'context deadline exceeded' "$log" || return 1
    echo "fuzz: $target: the fuzzer timed out without a finding; trying once more" >&2
  done
  return 1
}

failed=()
# Only packages whose tests declare a Fuzz function matching $FUZZ are
# built (the test binary's -test.list below decides which targets run).
while read -r pkg dir; do
  sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$dir"/*_test.go 2>/dev/null | grep -qE -- "$FUZZ" || continue
  bin=$bins/$(basename "$dir").$RANDOM.test
  if ! go test -c -fuzz . -o "$bin" "$pkg" >"$log" 2>&1; then
    echo "fuzz: ${pkg#github.com/envseal/envseal/}: build FAILED" >&2
    cat "$log" >&2
    failed+=("$pkg")
    continue
  fi
  for target in $( (cd "$dir" && "$bin" -test.list '^Fuzz') | grep '^Fuzz' | grep -E -- "$FUZZ" || true); do
    if fuzz_once "$pkg" "$dir" "$bin" "$target"; then
      last=$(grep -a 'fuzz: elapsed:' "$log" | tail -n 1 | sed -E 's/.*elapsed: ([^,]+), execs: ([0-9]+).*/\2 execs in \1/')
      echo "fuzz: ${pkg#github.com/envseal/envseal/} $target: ${last:-ok}"
    else
      echo "fuzz: ${pkg#github.com/envseal/envseal/} $target: FAILED" >&2
      grep -av '^fuzz: elapsed' "$log" | tail -n 40 >&2
      failed+=("$pkg $target")
    fi
  done
  rm -f "$bin"
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
