#!/usr/bin/env bash
# Throughput and peak memory of envseal seal/open next to the tools it
# replaces (age, openssl enc) and the copy limit (cp), on the same file held
# in the page cache. Runs go round-robin (one of each command, then again)
# so drifting machine load hits every tool alike; each figure is the median
# of BENCH_RUNS runs, peak RSS is the largest of them (GNU time's %M).
#
#   BENCH_SIZE=1G        input size (any `head -c` size)
#   BENCH_RUNS=5         runs per command (at least 5 for the issue's medians)
#   BENCH_PIPE=8G        size of the generated stdin->stdout pipe run; 0 skips it
#   BENCH_BASELINE=REV   also build and measure envseal at git revision REV
#   BENCH_IDLE=90        before each command, wait (up to 30 s) for the CPUs
#                        to be this % idle over half a second; 0 never waits
#
# It prints a Markdown table for docs/performance.md. The default run takes
# about five minutes. Output goes to a temp dir next to $TMPDIR, never to
# -o /dev/null: envseal's atomic -o would rename a file over the device.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

size=${BENCH_SIZE:-1G}
runs=${BENCH_RUNS:-5}
pipe=${BENCH_PIPE:-8G}
baseline=${BENCH_BASELINE:-}
idle_min=${BENCH_IDLE:-90}
age_version=v1.3.2

[ -x /usr/bin/time ] || { echo "bench: needs GNU time at /usr/bin/time (Debian package time)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "bench: needs openssl" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/envseal-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "bench: building envseal${baseline:+ and $baseline}, age $age_version" >&2
go build -o "$tmp/envseal" ./cmd/envseal
if [ -n "$baseline" ]; then
  mkdir "$tmp/base-src"
  git archive "$baseline" | tar -x -C "$tmp/base-src"
  (cd "$tmp/base-src" && go build -o "$tmp/envseal-base" ./cmd/envseal)
fi
age=$(command -v age || true)
if [ -z "$age" ] || [ "$("$age" --version 2>/dev/null)" != "$age_version" ]; then
  GOBIN="$tmp/gobin" go install "filippo.io/age/cmd/...@$age_version"
  age=$tmp/gobin/age
fi
age_keygen=$(dirname "$age")/age-keygen

echo "bench: making a $size input and its sealed, age and openssl forms" >&2
cd "$tmp"
head -c "$size" /dev/urandom >plain
bytes=$(stat -c %s plain)
./envseal keygen -o key 2>/dev/null
"$age_keygen" -o age.key 2>/dev/null
recipient=$("$age_keygen" -y age.key)
ossl="openssl enc -aes256 -pbkdf2 -iter 1000 -pass pass:x"
./envseal seal -k file:key plain >plain.envseal
"$age" -r "$recipient" plain >plain.age
$ossl -e -in plain -out plain.ossl
cat plain plain.envseal plain.age plain.ossl >/dev/null

# Rows: group, label, peer (1 if a peer tool), prep (untimed), command.
groups=() labels=() peers=() preps=() cmds=()
row() { groups+=("$1"); labels+=("$2"); peers+=("$3"); preps+=("$4"); cmds+=("$5"); }

envseals=("envseal|./envseal")
[ -n "$baseline" ] && envseals+=("envseal@$baseline|./envseal-base")
clean="rm -f out; sync"
for e in "${envseals[@]}"; do
  name=${e%%|*} bin=${e#*|}
  for procs in "" 1; do
    label="$name${procs:+ GOMAXPROCS=$procs}"
    env=${procs:+GOMAXPROCS=$procs }
    row "encrypt to /dev/null" "$label seal" 0 "" "$env$bin seal -k file:key plain >/dev/null"
    row "decrypt to /dev/null" "$label open" 0 "" "$env$bin open -k file:key plain.envseal >/dev/null"
    row "encrypt file to file" "$label seal" 0 "$clean" "$env$bin seal -k file:key plain >out"
    row "decrypt file to file" "$label open" 0 "$clean" "$env$bin open -k file:key plain.envseal >out"
  done
done
row "encrypt to /dev/null" "age -e" 1 "" "$age -r $recipient plain >/dev/null"
row "encrypt to /dev/null" "openssl enc -e" 1 "" "$ossl -e -in plain -out /dev/null"
row "decrypt to /dev/null" "age -d" 1 "" "$age -d -i age.key plain.age >/dev/null"
row "decrypt to /dev/null" "openssl enc -d" 1 "" "$ossl -d -in plain.ossl -out /dev/null"
for g in encrypt decrypt; do
  row "$g file to file" "cp" 1 "$clean" "cp plain out"
done
row "encrypt file to file" "age -e" 0 "$clean" "$age -r $recipient plain >out"
row "encrypt file to file" "openssl enc -e" 0 "$clean" "$ossl -e -in plain -out out"
row "decrypt file to file" "age -d" 0 "$clean" "$age -d -i age.key plain.age >out"
row "decrypt file to file" "openssl enc -d" 0 "$clean" "$ossl -d -in plain.ossl -out out"
row "encrypt, -o with fsync" "envseal seal -o" 0 "$clean" "./envseal seal -k file:key -o out plain"
row "encrypt, -o with fsync" "cp + sync" 1 "$clean" "cp plain out && sync out"

# wait_idle waits for the machine to be idle (I/O wait counts as busy:
# another job's disk writes slow the file-to-file cases too). It counts
# the commands that had to start anyway.
busy=0
wait_idle() {
  local a b j total tries=0
  [ "$idle_min" -gt 0 ] || return 0
  while :; do
    read -ra a </proc/stat
    sleep 0.5
    read -ra b </proc/stat
    total=0
    for j in 1 2 3 4 5 6 7 8; do total=$((total + b[j] - a[j])); done
    [ $((100 * (b[4] - a[4]))) -lt $((idle_min * total)) ] || return 0
    if ((++tries >= 60)); then
      busy=$((busy + 1))
      return 0
    fi
  done
}

echo "bench: ${#cmds[@]} commands x $runs runs" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times rss
for ((run = 0; run < runs; run++)); do
  for i in "${!cmds[@]}"; do
    [ -n "${preps[i]}" ] && sh -c "${preps[i]}"
    wait_idle
    start=$(date +%s%N)
    /usr/bin/time -f %M -o rss.txt sh -c "${cmds[i]}"
    end=$(date +%s%N)
    times[$i]+="$((end - start)) "
    r=$(tail -1 rss.txt)
    [ "${rss[$i]:-0}" -ge "$r" ] || rss[$i]=$r
  done
done
rm -f out
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# stats I: "median min max" of row I's times, in seconds.
stats() {
  tr ' ' '\n' <<<"${times[$1]}" | grep . | sort -n |
    awk '{t[NR] = $1 / 1e9} END {print t[int((NR + 1) / 2)], t[1], t[NR]}'
}

echo "## Machine"
echo
echo "- $(nproc) CPUs (nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), flags:$(grep -m1 -o -w -E 'aes|vaes|vpclmulqdq|avx512f|sha_ni' /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/^/ /')"
echo "- $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), Linux $(uname -r), $(df -T . | awk 'NR == 2 {print $2}') temp dir"
echo "- $(go version | cut -d' ' -f3), age $("$age" --version), $(openssl version | cut -d' ' -f1-2)"
echo "- load average $load_before before the timed runs, $load_after after; $busy of $((runs * ${#cmds[@]})) runs started on a machine less than $idle_min% idle"
echo
echo "## $size input, median of $runs runs"
echo
echo "| case | command | MB/s | range MB/s | × best peer | peak RSS MiB |"
echo "|------|---------|-----:|-----------:|------------:|-------------:|"
declare -A best
for i in "${!cmds[@]}"; do
  [ "${peers[i]}" = 1 ] || continue
  read -r med _ <<<"$(stats "$i")"
  g=${groups[i]}
  if [ -z "${best[$g]:-}" ] || awk "BEGIN {exit !($med < ${best[$g]})}"; then best[$g]=$med; fi
done
order=()
declare -A seen
for g in "${groups[@]}"; do [ -n "${seen[$g]:-}" ] || { seen[$g]=1; order+=("$g"); }; done
for g in "${order[@]}"; do
  for i in "${!cmds[@]}"; do
    [ "${groups[i]}" = "$g" ] || continue
    read -r med lo hi <<<"$(stats "$i")"
    awk -v g="$g" -v l="${labels[i]}" -v b="$bytes" -v m="$med" -v lo="$lo" -v hi="$hi" \
      -v p="${best[$g]}" -v r="${rss[$i]}" 'BEGIN {
        printf "| %s | %s | %.0f | %.0f–%.0f | %.2f | %.1f |\n", g, l, b / m / 1e6, b / hi / 1e6, b / lo / 1e6, p / m, r / 1024
      }'
  done
done

if [ "$pipe" != 0 ]; then
  echo
  echo "## $pipe generated on the fly: head -c $pipe /dev/zero | seal | open | wc -c"
  echo
  echo "| GOMAXPROCS | bytes out | MB/s | seal peak RSS MiB | open peak RSS MiB |"
  echo "|-----------:|----------:|-----:|------------------:|------------------:|"
  for procs in "$(nproc)" 1; do
    wait_idle
    start=$(date +%s%N)
    n=$(head -c "$pipe" /dev/zero |
      GOMAXPROCS=$procs /usr/bin/time -f %M -o rss.seal ./envseal seal -k file:key |
      GOMAXPROCS=$procs /usr/bin/time -f %M -o rss.open ./envseal open -k file:key | wc -c)
    end=$(date +%s%N)
    awk -v p="$procs" -v n="$n" -v t="$((end - start))" -v s="$(tail -1 rss.seal)" -v o="$(tail -1 rss.open)" \
      'BEGIN {printf "| %s | %s | %.0f | %.1f | %.1f |\n", p, n, n / (t / 1e9) / 1e6, s / 1024, o / 1024}'
  done
fi

echo
echo "## Random access: the last MiB of an 8 GiB sealed file (ReaderAt)"
echo
echo '```'
(cd "$repo" && go test -run '^$' -bench ReaderAtTail -benchtime 200x ./internal/stream | grep Benchmark)
echo '```'
