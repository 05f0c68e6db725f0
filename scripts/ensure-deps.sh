#!/usr/bin/env bash
# Installs, when missing, the real software the test suite runs: headless
# Chromium, Firefox ESR and WebKitGTK (with Xvfb) for the browser tests; nginx, Varnish (and the gcc it compiles
# VCL with), Flask-CORS, Node.js and the npm packages pinned in
# e2e/node/package-lock.json (express, cors, fastify, @fastify/cors, helmet, hono,
# @hono/node-server) and
# e2e/node-guards/package-lock.json (vite, ws), and
# Apache, Caddy, Django (with django-cors-headers and django-csp; 4.2 from
# bookworm-backports beside Debian's 3.2) and Starlette, for the shared-cache, audit and
# stack tests (e2e/realserver). Idempotent: a machine that has them
# installs nothing. Tests that need one fail (they never skip) when it is
# missing, so CI cannot pass without them.
set -euo pipefail

# Browsers are installed with their recommended packages (GL drivers, fonts,
# media libraries), as the browser tests were measured with them; servers
# and libraries without.
browsers=()
need=()
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM:-/nonexistent}" ] || browsers+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/sbin/varnishd ] || need+=(varnish)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev) # varnishd compiles VCL to C
/usr/bin/python3 -c 'import flask_cors' >/dev/null 2>&1 || need+=(python3-flask-cors)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
# The stacks whose generated configurations e2e/stacks_test.go runs.
[ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -x /usr/bin/caddy ] || need+=(caddy)
/usr/bin/python3 -c 'import corsheaders' >/dev/null 2>&1 || need+=(python3-django-cors-headers)
# django-csp (Debian's 3.7): e2e's CSP fix test runs its snippet on real Django.
/usr/bin/python3 -c 'import csp.middleware' >/dev/null 2>&1 || need+=(python3-django-csp)
/usr/bin/python3 -c 'import starlette, uvicorn' >/dev/null 2>&1 || need+=(python3-starlette python3-uvicorn)
# conformance/ drives Firefox ESR (WebDriver BiDi) and WebKitGTK's
# MiniBrowser (pulled in by webkit2gtk-driver) on an Xvfb display.
command -v firefox-esr >/dev/null 2>&1 || [ -x "${FIREFOX:-/nonexistent}" ] || browsers+=(firefox-esr)
ls /usr/lib/*/webkit2gtk-4.*/MiniBrowser >/dev/null 2>&1 || [ -x "${MINIBROWSER:-/nonexistent}" ] || browsers+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || browsers+=(xvfb)
# cmd/corskit's completion tests run each real shell.
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v file >/dev/null 2>&1 || need+=(file) # examples/deploy: the static build

# The npm packages of e2e/node, exactly as its lock file pins them.
node_modules() {
	local dir
	dir="$(cd "$(dirname "$0")/.." && pwd)/e2e/node"
	local pkg missing=0
	for pkg in express cors fastify @fastify/cors helmet hono @hono/node-server; do
		[ -f "$dir/node_modules/$pkg/package.json" ] || missing=1
	done
	if [ "$missing" = 1 ]; then
		echo "installing e2e/node's npm packages (npm ci)"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
	# web-ext, which lints the DevTools panel's Firefox package.
	dir="$(cd "$(dirname "$0")/.." && pwd)/web/lint"
	if [ ! -f "$dir/node_modules/web-ext/package.json" ]; then
		echo "installing web/lint's npm packages (npm ci: web-ext)"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
}

# The npm packages of e2e/node-guards (Vite's dev server, ws), exactly as
# its lock file pins them.
node_guards_modules() {
	local dir
	dir="$(cd "$(dirname "$0")/.." && pwd)/e2e/node-guards"
	[ -f "$dir/node_modules/vite/package.json" ] && [ -f "$dir/node_modules/ws/package.json" ] && return 0
	echo "installing e2e/node-guards's npm packages (npm ci)"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

# Django 4.2 from bookworm-backports and django-csp 4 from sid (both pure
# Python; Debian has django-csp 4 nowhere else), unpacked beside Debian's
# Django 3.2 and django-csp 3.7 and never installed (dpkg keeps those, which
# the other Django tests and django-cors-headers run with): e2e's Django 4
# tests put the directory first on the Python path
# (e2e/realserver.Django4Path). apt reads backports and sid through a list
# of its own in a temporary directory: the machine's apt sources stay as
# they are.
django4_dir=/usr/local/lib/corskit/django-4.2
django4() {
	[ -f "$django4_dir/django/__init__.py" ] && [ -f "$django4_dir/csp/__init__.py" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "error: need root to unpack Django 4.2 into $django4_dir" >&2
		exit 1
	fi
	echo "unpacking Django 4.2 (bookworm-backports) and django-csp 4 (sid) into $django4_dir"
	local tmp
	tmp="$(mktemp -d)"
	mkdir -p "$tmp/lists/partial"
	printf 'deb http://deb.debian.org/debian bookworm-backports main\ndeb http://deb.debian.org/debian sid main\n' >"$tmp/sources.list"
	local o=(-o "Dir::Etc::sourcelist=$tmp/sources.list" -o Dir::Etc::sourceparts=/nonexistent
		-o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache::pkgcache=$tmp/pkg.bin"
		-o "Dir::Cache::srcpkgcache=$tmp/srcpkg.bin" -o APT::Sandbox::User=root)
	apt-get "${o[@]}" update -qq
	(cd "$tmp" && apt-get "${o[@]}" download -qq python3-django/bookworm-backports python3-django-csp/sid)
	local deb
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/x"
	done
	rm -rf "$django4_dir.part"
	mkdir -p "$django4_dir.part"
	cp -a "$tmp/x/usr/lib/python3/dist-packages/." "$django4_dir.part/"
	# Compiled once here: the tests run Python with PYTHONDONTWRITEBYTECODE.
	/usr/bin/python3 -m compileall -q "$django4_dir.part" >/dev/null
	rm -rf "$django4_dir"
	mv "$django4_dir.part" "$django4_dir"
	rm -rf "$tmp"
}

if [ ${#need[@]} -eq 0 ] && [ ${#browsers[@]} -eq 0 ]; then
	node_modules
	node_guards_modules
	django4
	exit 0
fi
echo "installing Debian packages the tests need: ${browsers[*]} ${need[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "error: need root to apt-get install ${browsers[*]} ${need[*]}; install them yourself" >&2
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
if [ ${#browsers[@]} -gt 0 ]; then
	apt-get install -y -qq "${browsers[@]}" >/dev/null
fi
if [ ${#need[@]} -gt 0 ]; then
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
node_modules
node_guards_modules
django4
