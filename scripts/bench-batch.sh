#!/usr/bin/env bash
# Batch seal and open of many small files against local-kms behind the
# kmsfault proxy, with and without latency added to every KMS request, at
# several --jobs: wall seconds and peak RSS (GNU time's %M) per run. It
# prints a Markdown table for docs/performance.md.
#
#   BENCH_FILES="300 10000"   batch sizes (1 KiB files)
#   BENCH_LATENCY="0s 20ms"   delay the proxy adds to each KMS request
#   BENCH_JOBS="1 8 32"       --jobs values
#   BENCH_SEQ_MAX=300         skip --jobs 1 for larger batches with latency
#                             (10,000 files x 20 ms is minutes of waiting)
#
# One run per cell: the figures are seconds of waiting on KMS, far above
# the noise. local-kms comes from scripts/localkms.sh (installed if absent).
set -euo pipefail
cd "$(dirname "$0")/.."

files=${BENCH_FILES:-300 10000}
latencies=${BENCH_LATENCY:-0s 20ms}
jobs_list=${BENCH_JOBS:-1 8 32}
seq_max=${BENCH_SEQ_MAX:-300}

[ -x /usr/bin/time ] || { echo "bench-batch: needs GNU time at /usr/bin/time (Debian package time)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/envseal-bench-batch.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  localkms_stop 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/envseal" ./cmd/envseal
go build -o "$tmp/testtool" ./internal/testtool
. scripts/localkms.sh
localkms_start >&2
# The alias/Demo key comes from local-kms's seed.
target=$LOCAL_KMS_ENDPOINT

# proxy DELAY: start a proxy with DELAY on every request; set url[DELAY].
# It runs in this shell (not in $(...)), so that cleanup knows its PID.
declare -A url
proxy() {
  "$tmp/testtool" kmsfault-slow "$target" "$1" >"$tmp/proxy-$1.url" 2>"$tmp/proxy-$1.log" </dev/null &
  pids+=($!)
  for _ in $(seq 1 100); do
    [ -s "$tmp/proxy-$1.url" ] && break
    sleep 0.05
  done
  url[$1]=$(cat "$tmp/proxy-$1.url")
}
for l in $latencies; do proxy "$l"; done

# timed OUT CMD...: run CMD under GNU time; print "seconds maxrss_kib".
timed() {
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    echo "bench-batch: failed: $*" >&2; tail -n 5 "$tmp/err" >&2; exit 1; }
  cat "$tmp/time"
}

echo "bench-batch: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| files | added latency | --jobs | seal s | seal peak RSS MiB | open s | open peak RSS MiB |"
echo "|------:|--------------:|-------:|-------:|------------------:|-------:|------------------:|"
for n in $files; do
  rm -rf "$tmp/in"
  mkdir -p "$tmp/in"
  (cd "$tmp/in" && for i in $(seq -w 1 "$n"); do head -c 1024 /dev/urandom >"f$i"; done)
  for l in $latencies; do
    for j in $jobs_list; do
      if [ "$j" = 1 ] && [ "$n" -gt "$seq_max" ] && [ "$l" != 0s ]; then continue; fi
      rm -rf "$tmp/sealed" "$tmp/opened"
      mkdir "$tmp/sealed" "$tmp/opened"
      cd "$tmp"
      read -r ss sm < <(AWS_ENDPOINT_URL_KMS=${url[$l]} timed ./envseal seal -k awskms:///alias/Demo --jobs "$j" -o sealed in/f*)
      cd - >/dev/null
      printf '| %s | %s | %s | %s | %.1f |' "$n" "$l" "$j" "$ss" "$(echo "$sm/1024" | bc -l)"
      cd "$tmp"
      read -r os om < <(AWS_ENDPOINT_URL_KMS=${url[$l]} timed ./envseal open -k awskms:///alias/Demo --jobs "$j" -o opened sealed/*.sealed)
      cd - >/dev/null
      printf ' %s | %.1f |\n' "$os" "$(echo "$om/1024" | bc -l)"
    done
  done
done
echo "bench-batch: load after $(cut -d' ' -f1-3 /proc/loadavg)" >&2
