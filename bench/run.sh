#!/usr/bin/env bash
# Reproduces the table in bench/README.md: every scenario for every library,
# in one run (-count rounds each), summarised by benchstat with one
# column per library. Ratios between columns are what to read: absolute
# nanoseconds drift with the machine, ratios and allocation counts do not.
#
#   ./run.sh                 # COUNT=10 BENCHTIME=1s, about 6 minutes
#   COUNT=20 ./run.sh        # tighter intervals
set -euo pipefail
cd "$(dirname "$0")"
COUNT="${COUNT:-10}"
BENCHTIME="${BENCHTIME:-1s}"
BENCHSTAT="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
out="${OUT:-results.txt}"

go version
go test -run '^$' -bench 'BenchmarkCORS|BenchmarkFloor' -benchmem \
	-count "$COUNT" -benchtime "$BENCHTIME" . | tee "$out"
echo
# benchstat makes columns from "key=value" name parts; the benchmarks are
# named CORS/<scenario>/<library>, so label the last part for it.
sed -E 's#^(BenchmarkCORS/[^/]+/)#\1library=#' "$out" > "$out.keyed"
go run "$BENCHSTAT" -filter '.name:CORS' -col /library "$out.keyed"
echo
go run "$BENCHSTAT" -filter '.name:Floor' "$out.keyed"
