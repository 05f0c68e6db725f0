#!/usr/bin/env bash
# Reproduces the tables in bench/README.md: every scenario for every library,
# sequential (BenchmarkCORS, single-threaded, with BenchmarkFloor and
# BenchmarkSafeFloor) and under b.RunParallel at each -cpu value
# (BenchmarkParallel), in one run, summarised by benchstat with one column
# per library. Ratios between columns are what to read: absolute nanoseconds
# drift with the machine, ratios and allocation counts do not.
#
# The COUNT rounds are interleaved (round 1 of every benchmark, then round 2,
# ...), so that a slow patch on a shared machine hits every library alike.
#
#   ./run.sh                       # COUNT=10 BENCHTIME=1s PCPU=1,2
#   COUNT=6 BENCHTIME=300ms ./run.sh
#   PCPU=1,2,4,8,16 ./run.sh       # on a machine with 16 cores
set -euo pipefail
cd "$(dirname "$0")"
COUNT="${COUNT:-10}"
BENCHTIME="${BENCHTIME:-1s}"
PCPU="${PCPU:-1,2}"
BENCHSTAT="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
out="${OUT:-results.txt}"
bin="$(mktemp -d)/bench.test"

go version | tee "$out"
go test -c -o "$bin" .
for i in $(seq "$COUNT"); do
	echo "round $i/$COUNT" >&2
	"$bin" -test.run '^$' -test.bench 'BenchmarkCORS|BenchmarkFloor|BenchmarkSafeFloor' -test.benchmem \
		-test.count 1 -test.benchtime "$BENCHTIME" -test.cpu 1 | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' | tee -a "$out"
	"$bin" -test.run '^$' -test.bench 'BenchmarkParallel' -test.benchmem \
		-test.count 1 -test.benchtime "$BENCHTIME" -test.cpu "$PCPU" | grep '^Benchmark' | tee -a "$out"
done
echo
# benchstat makes columns from "key=value" name parts; the benchmarks are
# named CORS/<scenario>/<library> and Parallel/<scenario>/<library>, so label
# the last part for it.
sed -E 's#^(Benchmark(CORS|Parallel)/[^/]+/)#\1library=#' "$out" > "$out.keyed"
go run "$BENCHSTAT" -filter '.name:CORS' -col /library "$out.keyed"
echo
go run "$BENCHSTAT" -filter '.name:Parallel' -col /library "$out.keyed"
echo
go run "$BENCHSTAT" -filter '.name:Floor OR .name:SafeFloor' "$out.keyed"
