#!/usr/bin/env bash
# scripts/vulncheck.sh GO GOVULNCHECK VULNDB [skip]: govulncheck on the root
# module against the Go vulnerability database fetched through the module
# proxy (make vulncheck; see the Makefile).
#
# vuln.go.dev, govulncheck's default database, is a web site that CI and
# offline machines may not reach; the module proxy, which the build needs
# anyway, serves the same data: the module golang.org/x/vulndb, whose
# data/osv directory holds one OSV JSON file per entry, as deployed to
# vuln.go.dev. govulncheck reads such a directory as a local database
# (-db file://DIR), building its index in memory.
set -euo pipefail
go=$1 tool=$2 db=$3 mode=${4:-}
cd "$(dirname "$0")/.."

if [ "$mode" = skip ]; then
	echo "govulncheck: SKIPPED on request (VULNCHECK=skip)"
	exit 0
fi

if ! json=$("$go" mod download -json "$db" 2>&1); then
	echo "govulncheck: cannot download the vulnerability database $db through GOPROXY=$("$go" env GOPROXY):" >&2
	echo "$json" | sed 's/^/  /' >&2
	echo "  (VULNDB=golang.org/x/vulndb@<version in your module cache> works offline; VULNCHECK=skip skips this check)" >&2
	exit 1
fi
field() { echo "$json" | sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" | head -1; }
dir=$(field Dir) version=$(field Version)
if [ ! -d "$dir/data/osv" ]; then
	echo "govulncheck: $db ($dir) has no data/osv directory: not the vulnerability database layout this script knows" >&2
	exit 1
fi
entries=$(find "$dir/data/osv" -name 'GO-*.json' | wc -l)
echo "govulncheck: database golang.org/x/vulndb@$version ($entries entries), toolchain $(GOTOOLCHAIN=auto "$go" env GOVERSION)"
# GOTOOLCHAIN=auto: the toolchain go.mod names, so that the standard library
# checked is the one users who build the module get.
GOTOOLCHAIN=auto "$go" run "$tool" -db "file://$dir/data/osv" ./...
