#!/bin/sh
# deps.sh — install the Debian packages fidosim needs, only those missing.
# Idempotent and quick when everything is there. Used by `make deps` and .ci/run.
set -u
PKGS="build-essential pkg-config libssl-dev libcbor-dev libjansson-dev libmicrohttpd-dev libcurl4-openssl-dev chromium fonts-liberation libcmocka-dev libsqlite3-dev libfido2-dev clang valgrind python3 python3-fido2 python3-cryptography python3-jsonschema libxml2-utils python3-yaml"
# provider_http.py shows where `fidosim provider` listens with ss (iproute2).
PKGS="$PKGS iproute2"
# FIDOSIM_DEPS_EXTRA: more packages for one caller (tests/npm_deps.sh: nodejs npm).
PKGS="$PKGS ${FIDOSIM_DEPS_EXTRA:-}"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or install them with: apt-get install$missing" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: no apt-get here; install by hand:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing; } >/tmp/fidosim-deps.log 2>&1; then
	tail -20 /tmp/fidosim-deps.log >&2
	echo "deps: apt-get could not install:$missing (log: /tmp/fidosim-deps.log)" >&2
	exit 1
fi
echo "deps: done"
