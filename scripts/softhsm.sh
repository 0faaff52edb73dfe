#!/usr/bin/env bash
# SoftHSM2 for envseal's tests, demo and anyone trying the pkcs11 backend:
# a private token directory and SOFTHSM2_CONF per run, so nothing touches
# the system's /var/lib/softhsm or another run's tokens.
#
#   scripts/softhsm.sh install
#       install Debian's softhsm2 with apt-get when it is missing
#   scripts/softhsm.sh module
#       print the path of libsofthsm2.so ($SOFTHSM2_MODULE overrides)
#   eval "$(scripts/softhsm.sh init DIR [LABEL [PIN [SO_PIN]]])"
#       create DIR/softhsm2.conf and DIR/tokens on first use, initialise a
#       token (default label T, PIN 1234, SO PIN 5678) and print export
#       lines for SOFTHSM2_CONF and ENVSEAL_PKCS11_MODULE. Call it again
#       with another label for a second token in the same DIR.
#   scripts/softhsm.sh teardown DIR
#       remove a DIR made by init (and nothing else)
#
# The PIN is not exported: set ENVSEAL_PKCS11_PIN, use pin-source=FILE, or
# let envseal ask on the terminal.
set -euo pipefail

marker="# made by envseal scripts/softhsm.sh"

die() { echo "softhsm.sh: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# tool ARGS: internal/testtool, which prints internal/testhsm's facts (the
# module's usual paths, the configuration), so they are written once.
tool() { (cd "$root" && go run ./internal/testtool "$@"); }

# find_module: libsofthsm2.so ($SOFTHSM2_MODULE, else the usual paths).
find_module() { tool softhsm-module 2>/dev/null; }

cmd_install() {
  if command -v softhsm2-util >/dev/null 2>&1 && find_module >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "softhsm2 is missing and apt-get is not available; install SoftHSM2 2.6 or later"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "softhsm.sh: installing softhsm2 with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq softhsm2 >/dev/null
}

cmd_module() {
  local err
  if ! err=$(tool softhsm-module 2>&1); then
    err=${err%%$'\n'*}
    die "${err#testtool: }; run: scripts/softhsm.sh install"
  fi
  echo "$err"
}

cmd_init() {
  [ $# -ge 1 ] || die "usage: softhsm.sh init DIR [LABEL [PIN [SO_PIN]]]"
  local dir=$1 label=${2:-T} pin=${3:-1234} so_pin=${4:-5678}
  command -v softhsm2-util >/dev/null 2>&1 || die "softhsm2-util not found; run: scripts/softhsm.sh install"
  local module
  module=$(cmd_module)
  mkdir -p "$dir/tokens"
  chmod 700 "$dir" "$dir/tokens"
  dir=$(cd "$dir" && pwd)
  local conf="$dir/softhsm2.conf"
  if [ ! -f "$conf" ]; then
    { echo "$marker"; tool softhsm-conf "$dir/tokens"; } >"$conf.tmp"
    mv "$conf.tmp" "$conf"
  fi
  SOFTHSM2_CONF="$conf" softhsm2-util --init-token --free --label "$label" \
    --pin "$pin" --so-pin "$so_pin" >&2
  printf 'export SOFTHSM2_CONF=%q\nexport ENVSEAL_PKCS11_MODULE=%q\n' "$conf" "$module"
}

cmd_teardown() {
  [ $# -eq 1 ] || die "usage: softhsm.sh teardown DIR"
  local dir=$1
  [ -d "$dir" ] || return 0
  # Refuse anything init did not make: this runs rm -rf.
  head -n1 "$dir/softhsm2.conf" 2>/dev/null | grep -qxF "$marker" ||
    die "$dir was not made by softhsm.sh init; not removing it"
  rm -rf "$dir"
}

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  module) shift; cmd_module "$@" ;;
  init) shift; cmd_init "$@" ;;
  teardown) shift; cmd_teardown "$@" ;;
  *) die "usage: softhsm.sh install | module | init DIR [LABEL [PIN [SO_PIN]]] | teardown DIR" ;;
esac
