#!/usr/bin/env bash
# Makes sure headless Chromium is installed: the browser tests need it, and
# they fail (they never skip) when it cannot start.
set -euo pipefail
bin="${CHROMIUM:-}"
if [ -n "$bin" ] && [ -x "$bin" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "chromium not found: installing Debian's package (needed by the browser tests)"
if [ "$(id -u)" != 0 ]; then
	echo "error: need root to apt-get install chromium; install it, or set CHROMIUM=/path/to/chromium" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
chromium --version
