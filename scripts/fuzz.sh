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

failed=()
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' | grep -E -- "$FUZZ" || true); do
    if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
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
