#!/usr/bin/env bash
# Instructions per request, a measure that does not depend on what else the
# machine is doing: runs one benchmark under valgrind's lackey at two
# iteration counts and divides the difference (setup cancels out). Garbage
# collection and the harness are included; cache misses are not weighed.
#
#   ./instr.sh 'CORS/allowed-get/corskit$'        # needs valgrind
#   A=50000 B=550000 ./instr.sh '^BenchmarkFloor$'
set -euo pipefail
cd "$(dirname "$0")"
re="$1"
a="${A:-20000}"
b="${B:-220000}"
bin="$(mktemp -d)/bench.test"
go test -c -o "$bin" .
count() {
	valgrind --tool=lackey --basic-counts=yes "$bin" -test.run '^$' -test.bench "$re" \
		-test.benchtime "${1}x" -test.cpu 1 2>&1 | awk '/guest instrs:/ { gsub(",", "", $4); print $4 }'
}
x="$(count "$a")"
y="$(count "$b")"
echo "$re $(((y - x) / (b - a))) instructions/op"
