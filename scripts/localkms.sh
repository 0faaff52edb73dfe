#!/usr/bin/env bash
# localkms.sh: run github.com/nsmithuk/local-kms, a real KMS API server, on
# loopback for envseal's demo and tests. It is installed with `go install`
# at a pinned version when absent, started with PORT=0 and a fresh data
# directory, addressed only as 127.0.0.1 (it binds all interfaces), and
# stopped by PID.
#
# Run it:
#   eval "$(scripts/localkms.sh start)"  # start; prints export lines (see below)
#   scripts/localkms.sh stop [DIR]       # stop the server whose state is in DIR
#                                        # (default $LOCAL_KMS_DIR) and remove DIR
#   scripts/localkms.sh run CMD [ARG...] # start, run CMD in its environment, stop;
#                                        # exits with CMD's status
#   scripts/localkms.sh install          # install if needed; print the binary's path
#
# Or source it and call the functions (this does not change shell options):
#   . scripts/localkms.sh
#   localkms_start || exit 1
#   trap localkms_stop EXIT
#
# Starting exports LOCAL_KMS_DIR, LOCAL_KMS_PID, LOCAL_KMS_PORT and
# LOCAL_KMS_ENDPOINT (http://127.0.0.1:PORT), and points the AWS SDK and
# CLI at the server exactly as the Go tests do (testkms.Environ):
# AWS_ENDPOINT_URL_KMS, AWS_REGION, fake static credentials, empty
# AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, no instance metadata;
# it unsets AWS_PROFILE and every other variable that could send requests
# elsewhere.
#
# Settings (environment):
#   LOCAL_KMS       path of a local-kms binary to use instead of installing
#   LOCAL_KMS_SEED  "default" (alias/Demo, from internal/testkms/seed.yaml),
#                   "none" (no keys: the demo creates alias/Demo itself with
#                   envseal keygen), or the path of a seed file
#
# The pin (module, version), the region, the account, the seed and the
# list of variables to clear are internal/testkms's: this script asks for
# them with `go run ./internal/testtool` and repeats none of them.

_localkms_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

_localkms_log() { echo "localkms: $*" >&2; }

# _localkms_tool ARGS: run internal/testtool from the module root.
_localkms_tool() { (cd "$_localkms_root" && go run ./internal/testtool "$@"); }

# _localkms_vars: set LOCAL_KMS_MODULE, LOCAL_KMS_VERSION, LOCAL_KMS_REGION,
# LOCAL_KMS_ACCOUNT_ID and LOCAL_KMS_SEED_FILE from internal/testkms.
_localkms_vars() {
	[ -n "${_localkms_have_vars:-}" ] && return 0
	local vars
	vars=$(_localkms_tool localkms-vars) || return 1
	eval "$vars"
	_localkms_have_vars=1
}

# localkms_install: print the path of a pinned local-kms ($LOCAL_KMS, or
# one on PATH, GOBIN or GOPATH/bin built from the pinned version),
# installing it with go install when absent (testkms.Binary).
localkms_install() {
	_localkms_tool localkms-install
}

# _localkms_port LOG: the port from local-kms's "started on" line, with
# ANSI colours stripped.
_localkms_port() {
	local esc
	esc=$(printf '\033')
	sed "s/${esc}\[[0-9;]*[A-Za-z]//g" "$1" |
		sed -n 's/.*Local KMS started on [^ ]*:\([0-9][0-9]*\).*/\1/p' | head -n 1
}

# _localkms_seed DIR: write the seed file for LOCAL_KMS_SEED into DIR and
# print its path (a missing file means no seed to local-kms).
_localkms_seed() {
	local seed="$1/seed.yaml"
	case "${LOCAL_KMS_SEED:-default}" in
	default) cp "$_localkms_root/$LOCAL_KMS_SEED_FILE" "$seed" || return 1 ;;
	none) seed="$1/no-seed.yaml" ;;
	*) cp "$LOCAL_KMS_SEED" "$seed" || return 1 ;;
	esac
	echo "$seed"
}

# localkms_start: start a server and export its environment.
localkms_start() {
	local bin dir seed pid port="" i env
	_localkms_vars || return 1
	bin=$(localkms_install) || return 1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/envseal-local-kms.XXXXXX") || return 1
	seed=$(_localkms_seed "$dir") || { rm -rf "$dir"; return 1; }
	PORT=0 KMS_DATA_PATH="$dir/data" KMS_REGION="$LOCAL_KMS_REGION" \
		KMS_ACCOUNT_ID="$LOCAL_KMS_ACCOUNT_ID" KMS_SEED_PATH="$seed" \
		"$bin" </dev/null >"$dir/local-kms.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	for i in $(seq 1 200); do
		port=$(_localkms_port "$dir/local-kms.log")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		_localkms_log "local-kms did not start: $(tail -n 5 "$dir/local-kms.log" | tr '\n' ' ')"
		localkms_stop "$dir"
		return 1
	fi
	echo "$port" >"$dir/port"
	if ! env=$(_localkms_tool localkms-env "$dir" "$pid" "$port"); then
		localkms_stop "$dir"
		return 1
	fi
	printf '%s\n' "$env" >"$dir/env.sh"
	eval "$env"
	_localkms_log "local-kms $LOCAL_KMS_VERSION on 127.0.0.1:$port (pid $pid, state in $dir)"
}

# localkms_env: print the started server's environment as shell code
# (export lines, and an unset line for the variables it clears).
localkms_env() {
	cat "${LOCAL_KMS_DIR:?no local-kms started}/env.sh"
}

# localkms_stop [DIR]: stop the server whose state is in DIR (default
# $LOCAL_KMS_DIR) by its PID, and remove DIR. Only a directory this script
# made, holding a pid file, is touched.
localkms_stop() {
	local dir="${1:-${LOCAL_KMS_DIR:-}}" pid i
	case "$(basename -- "${dir:-none}")" in envseal-local-kms.*) ;; *) return 0 ;; esac
	[ -f "$dir/pid" ] || return 0
	pid=$(cat "$dir/pid")
	if kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o comm= 2>/dev/null | grep -q local-kms; then
		kill "$pid" 2>/dev/null
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	fi
	rm -rf -- "$dir"
	if [ "$dir" = "${LOCAL_KMS_DIR:-}" ]; then
		unset LOCAL_KMS_DIR LOCAL_KMS_PID LOCAL_KMS_PORT LOCAL_KMS_ENDPOINT
	fi
}

# localkms_run CMD [ARG...]: start, run CMD with the server's environment,
# stop; return CMD's status.
localkms_run() {
	localkms_start || return 1
	local status=0
	"$@" || status=$?
	localkms_stop
	return "$status"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	case "${1:-}" in
	start) localkms_start && localkms_env ;;
	stop) localkms_stop "${2:-}" ;;
	run)
		shift
		trap localkms_stop EXIT
		trap 'localkms_stop; exit 130' INT TERM
		localkms_run "$@"
		;;
	install) localkms_install ;;
	*)
		echo "usage: $0 start | stop [DIR] | run CMD [ARG...] | install" >&2
		exit 2
		;;
	esac
fi
