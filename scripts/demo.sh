#!/usr/bin/env bash
# The main job, end to end: build envseal, make a key, seal a file, throw the
# plaintext away, open the sealed file and check the bytes are the same.
# Beside each envseal step it prints the openssl/aws line it replaces.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bold="" plain=""
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s== %s%s\n' "$bold" "$1" "$plain"; }
replaces() { printf '   replaces: %s\n' "$1"; }
run() { printf '   $ %s\n' "$*"; "$@"; }

step "build"
run go build -o "$work/envseal" ./cmd/envseal
envseal="$work/envseal"
"$envseal" --version

step "make a key (local key file, 0600)"
replaces "aws kms generate-data-key ... | base64 --decode > datakey"
run "$envseal" keygen -o "$work/demo.key"

step "seal a file"
replaces "openssl enc -in data-file.txt -out encrypted-data-file.txt -e -aes256 -k file:///./datakey"
printf 'DB_PASSWORD=correct horse battery staple\nAPI_TOKEN=%s\n' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$work/data-file.txt"
cp "$work/data-file.txt" "$work/original.txt"
run "$envseal" seal --key "file:$work/demo.key" --context app=demo \
  -o "$work/data-file.txt.sealed" "$work/data-file.txt"
rm "$work/data-file.txt"
echo "   sealed $(wc -c <"$work/data-file.txt.sealed") bytes; plaintext deleted"

step "open it"
replaces "aws kms decrypt ... ; openssl enc -d -aes256 -k file:///./datakey ..."
run "$envseal" open --key "file:$work/demo.key" --context app=demo \
  -o "$work/data-file.txt" "$work/data-file.txt.sealed"

step "compare"
run cmp "$work/original.txt" "$work/data-file.txt"
echo "   identical: $(wc -c <"$work/original.txt") bytes round-tripped"

step "tampering is detected"
printf '\x00' | dd of="$work/data-file.txt.sealed" bs=1 seek=100 conv=notrunc status=none
if "$envseal" open --key "file:$work/demo.key" "$work/data-file.txt.sealed" >/dev/null; then
  echo "   tampered file opened: this is a bug" >&2
  exit 1
fi
echo "   a modified file is refused (exit 1); openssl enc would have decrypted garbage"

printf '\ndemo OK\n'
