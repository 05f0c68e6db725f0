#!/usr/bin/env bash
# Installs, when missing, the real software the test suite runs: headless
# Chromium, Firefox ESR and WebKitGTK (with Xvfb) for the browser tests; nginx, Varnish (and the gcc it compiles
# VCL with), Flask-CORS, Node.js and the npm packages pinned in
# e2e/node/package-lock.json (express, cors) for the shared-cache and
# real-server tests (e2e/realserver). Idempotent: a machine that has them
# installs nothing. Tests that need one fail (they never skip) when it is
# missing, so CI cannot pass without them.
set -euo pipefail

# command -> Debian package
need=()
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM:-/nonexistent}" ] || need+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/sbin/varnishd ] || need+=(varnish)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev) # varnishd compiles VCL to C
/usr/bin/python3 -c 'import flask_cors' >/dev/null 2>&1 || need+=(python3-flask-cors)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
# conformance/ drives Firefox ESR (WebDriver BiDi) and WebKitGTK's
# MiniBrowser (pulled in by webkit2gtk-driver) on an Xvfb display.
command -v firefox-esr >/dev/null 2>&1 || [ -x "${FIREFOX:-/nonexistent}" ] || need+=(firefox-esr)
ls /usr/lib/*/webkit2gtk-4.*/MiniBrowser >/dev/null 2>&1 || [ -x "${MINIBROWSER:-/nonexistent}" ] || need+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)

# The npm packages of e2e/node, exactly as its lock file pins them.
node_modules() {
	local dir
	dir="$(cd "$(dirname "$0")/.." && pwd)/e2e/node"
	if [ -f "$dir/node_modules/express/package.json" ] && [ -f "$dir/node_modules/cors/package.json" ]; then
		return 0
	fi
	echo "installing e2e/node's npm packages (npm ci)"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

if [ ${#need[@]} -eq 0 ]; then
	node_modules
	exit 0
fi
echo "installing Debian packages the tests need: ${need[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "error: need root to apt-get install ${need[*]}; install them yourself" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# No service may start at install time: the tests start their own servers on
# loopback ports of their choosing.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
node_modules
