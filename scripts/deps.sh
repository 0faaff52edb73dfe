#!/usr/bin/env bash
# Installs what the tests and the demo need when it is missing: Go tools at
# pinned versions and Debian packages. Safe to run repeatedly; CI runs it on
# a fresh machine through scripts/test.sh.
set -euo pipefail

# Pinned tool versions: change them here and nowhere else (local-kms is
# pinned in internal/testkms/testkms.go, which scripts/localkms.sh reads).
STATICCHECK_VERSION="v0.8.2"
GOVULNCHECK_VERSION="v1.9.0"
# The Go vulnerability database, as a Go module (its data/osv/*.json are the
# OSV entries vuln.go.dev serves), so that govulncheck runs offline: CI has
# the module proxy but not vuln.go.dev. Bump it to pick up new entries:
#   go list -m -json golang.org/x/vulndb@master
VULNDB_VERSION="v0.0.0-20261105234957-e22db6528018"

GOBIN="$(go env GOPATH)/bin"
export PATH="$GOBIN:$PATH"

# The Debian packages and the three Go tools download and build
# independently: in parallel, the downloads overlap the builds (about a
# minute saved on a fresh machine). Each one's output goes to a log, shown
# only if it fails.
pids=() logs=()
bg() {
  local log
  log=$(mktemp)
  logs+=("$log")
  ("$@") >"$log" 2>&1 &
  pids+=($!)
}

need_apt=()
command -v softhsm2-util >/dev/null 2>&1 || need_apt+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || need_apt+=(opensc)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
command -v pre-commit >/dev/null 2>&1 || need_apt+=(pre-commit)
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v aws >/dev/null 2>&1 || need_apt+=(awscli)
command -v age >/dev/null 2>&1 || need_apt+=(age)
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}
if ((${#need_apt[@]})); then
  echo "deps: installing ${need_apt[*]} with apt-get" >&2
  bg apt_install "${need_apt[@]}"
fi

bg "$(dirname "$0")/localkms.sh" install

if ! command -v staticcheck >/dev/null 2>&1 || ! staticcheck -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  echo "deps: installing staticcheck $STATICCHECK_VERSION with go install" >&2
  bg env GOFLAGS=-mod=mod go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi

if ! command -v govulncheck >/dev/null 2>&1 || ! govulncheck -version 2>/dev/null | grep "govulncheck@$GOVULNCHECK_VERSION" >/dev/null; then
  echo "deps: installing govulncheck $GOVULNCHECK_VERSION with go install" >&2
  bg env GOFLAGS=-mod=mod go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
fi

# scripts/deps.sh vulndb-dir: print the directory of OSV entries for
# govulncheck -db file://DIR, downloading the pinned module if needed
# (outside this module, so go.mod and go.sum are untouched).
vulndb_dir() {
  local tmp dir
  tmp=$(mktemp -d)
  dir=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rmdir "$tmp"
  [ -d "$dir/data/osv" ] || { echo "deps: golang.org/x/vulndb@$VULNDB_VERSION has no data/osv" >&2; exit 1; }
  echo "$dir/data/osv"
}

# The module's own dependencies and the vulnerability database, which the
# static checks need next, download meanwhile.
bg go -C "$(dirname "$0")/.." mod download
if [ "${1:-}" != "vulndb-dir" ]; then
  bg vulndb_dir
fi

failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    cat "${logs[$i]}" >&2
    failed=1
  fi
  rm -f "${logs[$i]}"
done
[ "$failed" -eq 0 ] || { echo "deps: an install failed (see above)" >&2; exit 1; }

if [ "${1:-}" = "vulndb-dir" ]; then
  vulndb_dir
fi
