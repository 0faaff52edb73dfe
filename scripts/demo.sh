#!/usr/bin/env bash
# The main job, end to end, against a real KMS API server (local-kms on
# 127.0.0.1, installed with go install when absent): create the CMK, seal a
# file with a KMS data key, throw the plaintext away, open it, compare.
# Beside each envseal line it prints the aws/openssl line it replaces.
# It cleans up after itself (server stopped, temp dir removed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

work=$(mktemp -d)
. scripts/localkms.sh
cleanup() { localkms_stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

bold="" plain=""
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s== %s%s\n' "$bold" "$1" "$plain"; }
replaces() { printf '   was: %s\n' "$1"; }
run() { printf '   $ %s\n' "$*"; "$@"; }

step "build envseal, start a local KMS on 127.0.0.1"
go build -o "$work/envseal" ./cmd/envseal
export PATH="$work:$PATH"
envseal --version
LOCAL_KMS_SEED=none localkms_start >/dev/null
echo "   KMS endpoint $AWS_ENDPOINT_URL_KMS (AWS_ENDPOINT_URL_KMS), region $AWS_REGION, fake credentials"
cd "$work"
printf 'DB_PASSWORD=correct horse battery staple\nAPI_TOKEN=%s\n' \
  "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" >data-file.txt
cp data-file.txt original.txt

step "1. create the customer master key"
replaces "aws kms create-key ... && aws kms create-alias --alias-name alias/Demo --target-key-id ..."
run envseal keygen --key awskms:///alias/Demo

step "2. generate a data key (only for pipelines that want raw keys: seal does this itself)"
replaces "aws kms generate-data-key --key-id alias/Demo --key-spec AES_256 --region us-east-1"
replaces "echo <Plaintext> | base64 --decode > datakey; echo <CiphertextBlob> | base64 --decode > encrypted-datakey"
run envseal datakey --key awskms:///alias/Demo --plaintext-out datakey --ciphertext-out encrypted-datakey
echo "   datakey: $(wc -c <datakey) bytes, mode $(stat -c %a datakey); encrypted-datakey: $(wc -c <encrypted-datakey) bytes"
run envseal datakey --decrypt --plaintext-out datakey2 encrypted-datakey >/dev/null
cmp datakey datakey2 && echo "   datakey --decrypt gave the same key back (was: aws kms decrypt)"
rm -f datakey datakey2 encrypted-datakey

step "3. encrypt the file (one GenerateDataKey; wrapped key stored in the file)"
replaces "openssl enc -in ./data-file.txt -out ./encrypted-data-file.txt -e -aes256 -k file:///./datakey -iter 1000"
run envseal seal --key awskms:///alias/Demo --context app=demo -o data-file.txt.sealed data-file.txt
rm data-file.txt
echo "   plaintext deleted; one file to keep: data-file.txt.sealed ($(wc -c <data-file.txt.sealed) bytes)"
run envseal inspect data-file.txt.sealed

step "4+5. decrypt the data key and the file (one Decrypt, pinned to the key in the file)"
replaces "aws kms decrypt --ciphertext-blob file:///./encrypted-datakey --region us-east-1"
replaces "openssl enc -in ./encrypted-data-file.txt -out ./unencrypted-data-file.txt1 -d -aes256 -k file:///./datakey -iter 1000"
run envseal open --key awskms:///alias/Demo --context app=demo -o data-file.txt data-file.txt.sealed

step "6. compare"
run cmp original.txt data-file.txt
echo "   identical: $(wc -c <original.txt) bytes round-tripped through KMS envelope encryption"

step "tampering is detected (openssl enc would print garbage and exit 0)"
cp data-file.txt.sealed tampered.sealed
printf '\x00' | dd of=tampered.sealed bs=1 seek=$(($(wc -c <tampered.sealed) - 5)) conv=notrunc status=none
if envseal open --key awskms:///alias/Demo -o tampered.out tampered.sealed; then
  echo "   a tampered file opened: this is a bug" >&2
  exit 1
fi
[ ! -e tampered.out ] && echo "   refused with exit 1, and no output file was written"

if command -v openssl >/dev/null 2>&1; then
  step "why the old pipeline was broken: -k takes a literal passphrase"
  head -c 32 /dev/urandom >datakey
  openssl enc -in original.txt -out legacy.enc -e -aes256 -k file:///./datakey -iter 1000 2>/dev/null
  rm datakey
  openssl enc -d -aes256 -iter 1000 -k 'file:///./datakey' -in legacy.enc | cmp - original.txt &&
    echo "   the datakey file was deleted, yet -k 'file:///./datakey' still decrypts: the data key was never used"
fi

cd "$root"
printf '\ndemo OK\n'
