#!/usr/bin/env bash
# Throughput of envseal's hash and sign commands next to the tools they
# replace, on one file held in the page cache, so the disk is out of the
# picture. Then scripts/bench-seal.sh: seal/open next to age, openssl enc and
# cp, with peak memory (BENCH_SEAL=0 skips it). docs/performance.md has the
# figures and the machine.
# Each figure is the best of BENCH_RUNS runs (default 3) on a BENCH_SIZE file
# (default 1G, any `head -c` size). Go Benchmark* functions cover the rest:
# go test -run '^$' -bench . ./...
set -euo pipefail
cd "$(dirname "$0")/.."

size=${BENCH_SIZE:-1G}
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/envseal" ./cmd/envseal
head -c "$size" /dev/urandom >"$tmp/data"
cat "$tmp/data" >/dev/null
bytes=$(stat -c %s "$tmp/data")
"$tmp/envseal" keygen --type ecdsa-p256 -o "$tmp/p256.pem" 2>/dev/null

# bench NAME CMD ARGS...: best wall time of CMD over $runs runs, as MiB/s.
bench() {
  local name=$1 best="" t
  shift
  for _ in $(seq "$runs"); do
    t=$( { TIMEFORMAT=%R; time "$@" >/dev/null 2>&1; } 2>&1 )
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  awk -v n="$name" -v b="$bytes" -v t="$best" 'BEGIN{printf "%-36s %6.2f s %8.0f MiB/s\n", n, t, b/1048576/t}'
}

echo "== $size, best of $runs ($(nproc) CPUs; $(grep -m1 -o 'sha_ni' /proc/cpuinfo || echo 'no SHA-NI'))"
bench "sha256sum" sha256sum "$tmp/data"
bench "envseal hash (sha256)" "$tmp/envseal" hash "$tmp/data"
bench "sha512sum" sha512sum "$tmp/data"
bench "envseal hash -a sha512" "$tmp/envseal" hash -a sha512 "$tmp/data"
bench "b2sum" b2sum "$tmp/data"
bench "envseal hash -a blake2b-512" "$tmp/envseal" hash -a blake2b-512 "$tmp/data"
bench "openssl dgst -sha3-256" openssl dgst -sha3-256 "$tmp/data"
bench "envseal hash -a sha3-256" "$tmp/envseal" hash -a sha3-256 "$tmp/data"
bench "openssl dgst -sha256 -sign (P-256)" openssl dgst -sha256 -sign "$tmp/p256.pem" -out /dev/null "$tmp/data"
bench "envseal sign (P-256)" "$tmp/envseal" sign -k "file:$tmp/p256.pem" -o "$tmp/sig" --force "$tmp/data"

if [ "${BENCH_SEAL:-1}" != 0 ]; then
  scripts/bench-seal.sh
fi
