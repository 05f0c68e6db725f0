#!/usr/bin/env bash
# Compares corskit's middleware at two commits in one run: BenchmarkCORS's
# corskit rows built from BASE and from the working tree, rounds
# interleaved (old, new, old, new...) so that a slow patch on a shared
# machine hits both alike, then benchstat old against new. It is how a
# change to the middleware shows that it costs nothing where it promises
# to (no time, no allocation).
#
#   BASE=5f6cba3 ./compare.sh                     # COUNT=8 BENCHTIME=200ms
#   BASE=HEAD~3 COUNT=10 BENCHTIME=1s ./compare.sh
#
# BASE is checked out with git archive into a temporary directory: the
# repository's own worktrees are left alone.
set -euo pipefail
cd "$(dirname "$0")"
BASE="${BASE:?set BASE to the commit to compare with}"
COUNT="${COUNT:-8}"
BENCHTIME="${BENCHTIME:-200ms}"
BENCH="${BENCH:-BenchmarkCORS/.*/corskit$}"
BENCHSTAT="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
out="${OUT:-compare.txt}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
root="$(git rev-parse --show-toplevel)"
mkdir "$tmp/base"
git -C "$root" archive "$BASE" | tar -x -C "$tmp/base"
(cd "$tmp/base/bench" && go test -c -o "$tmp/old.test" .)
go test -c -o "$tmp/new.test" .
{ go version; echo "old: $(git -C "$root" rev-parse --short "$BASE")  new: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . ../cors ../reason || echo ' + working tree')"; } | tee "$out"
for i in $(seq "$COUNT"); do
	echo "round $i/$COUNT" >&2
	for v in old new; do
		"$tmp/$v.test" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1 \
			-test.benchtime "$BENCHTIME" -test.cpu 1 | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >> "$tmp/$v.txt"
	done
done
cat "$tmp/old.txt" | sed 's/^/old /' >> "$out"
cat "$tmp/new.txt" | sed 's/^/new /' >> "$out"
go run "$BENCHSTAT" old="$tmp/old.txt" new="$tmp/new.txt" | tee -a "$out"
