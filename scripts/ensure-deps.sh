#!/usr/bin/env bash
# Installs, when missing, the real software the test suite runs: headless
# Chromium for the browser tests; nginx, Varnish (and the gcc it compiles
# VCL with), Flask-CORS, Node.js and the npm packages pinned in
# e2e/node/package-lock.json (express, cors, fastify, @fastify/cors), and
# Apache, Caddy, Django and Starlette, for the shared-cache, audit and
# stack tests (e2e/realserver). Idempotent: a machine that has them
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
# The stacks whose generated configurations e2e/stacks_test.go runs.
[ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -x /usr/bin/caddy ] || need+=(caddy)
/usr/bin/python3 -c 'import corsheaders' >/dev/null 2>&1 || need+=(python3-django-cors-headers)
/usr/bin/python3 -c 'import starlette, uvicorn' >/dev/null 2>&1 || need+=(python3-starlette python3-uvicorn)

# The npm packages of e2e/node, exactly as its lock file pins them.
node_modules() {
	local dir
	dir="$(cd "$(dirname "$0")/.." && pwd)/e2e/node"
	local pkg missing=0
	for pkg in express cors fastify @fastify/cors; do
		[ -f "$dir/node_modules/$pkg/package.json" ] || missing=1
	done
	[ "$missing" = 0 ] && return 0
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
