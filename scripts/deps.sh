#!/usr/bin/env bash
# Installs what the tests and the demo need when it is missing: Go tools at
# pinned versions and Debian packages. Safe to run repeatedly; CI runs it on
# a fresh machine through scripts/test.sh.
set -euo pipefail

# Pinned tool versions: change them here and nowhere else (local-kms is
# pinned in scripts/localkms.sh, which internal/testkms checks).
STATICCHECK_VERSION="v0.8.2"

GOBIN="$(go env GOPATH)/bin"
export PATH="$GOBIN:$PATH"

need_apt=()
command -v softhsm2-util >/dev/null 2>&1 || need_apt+=(softhsm2)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
if ((${#need_apt[@]})); then
  echo "deps: installing ${need_apt[*]} with apt-get" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

"$(dirname "$0")/localkms.sh" install >/dev/null

if ! command -v staticcheck >/dev/null 2>&1 || ! staticcheck -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  echo "deps: installing staticcheck $STATICCHECK_VERSION with go install" >&2
  GOFLAGS=-mod=mod go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
