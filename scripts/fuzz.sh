#!/usr/bin/env bash
# Runs every fuzz target of every module for a given time each, then keeps
# what the fuzzer learned: the inputs it found interesting (new coverage) are
# copied from Go's fuzz cache into the package's testdata/fuzz/<FuzzName>/,
# where `go test` replays them as regression tests. Commit them.
#
#   scripts/fuzz.sh [FUZZTIME] [MODULE...]
#
# FUZZTIME defaults to 30s; modules default to every directory holding a
# go.mod. Environment:
#   FUZZPARALLEL  fuzzing workers per target (default: half the CPUs, >= 1)
#   FUZZKEEP      most new corpus files kept per target and run (default 10)
#   FUZZMAXBYTES  largest corpus file kept (default 4096): big inputs make slow
#                 regression tests and rarely add coverage the small ones lack
#   FUZZTARGETS   regexp; only targets whose "pkg.FuzzName" matches are run
#
# Only files written to the cache during this run are copied (the cache is
# shared with every other `go test -fuzz` on the machine), smallest first,
# never overwriting one already in testdata. After copying, the target's
# regression run must still pass with the new files; if it does not (a
# crash the fuzzer found, or entries of another signature), the new files
# stay and the script fails, so the input can be reported and fixed.
set -euo pipefail

t="${1:-30s}"
shift || true
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
par="${FUZZPARALLEL:-$(( ncpu / 2 > 0 ? ncpu / 2 : 1 ))}"
keep="${FUZZKEEP:-10}"
maxbytes="${FUZZMAXBYTES:-4096}"
only="${FUZZTARGETS:-.}"

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ $# -gt 0 ]; then
	modules=("$@")
else
	mapfile -t modules < <(git ls-files 'go.mod' '*/go.mod' | xargs -n1 dirname | sort -u)
fi
fuzzcache="$(go env GOCACHE)/fuzz"
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT

status=0
for m in "${modules[@]}"; do
	# Packages of this module with a fuzz target, found without compiling.
	mapfile -t pkgs < <(cd "$m" && go list -f '{{.ImportPath}} {{.Dir}}' ./... |
		while read -r p dir; do
			grep -lq '^func Fuzz[A-Z].*\*testing\.F' "$dir"/*_test.go 2>/dev/null && echo "$p $dir"
		done)
	for entry in "${pkgs[@]}"; do
		pkg=${entry%% *}
		dir=${entry#* }
		for f in $(cd "$dir" && go test -list '^Fuzz' . | grep '^Fuzz' || true); do
			echo "$pkg.$f" | grep -Eq -- "$only" || continue
			echo "== $pkg $f ($t, -parallel $par)"
			touch "$stamp"
			(cd "$dir" && go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" -parallel "$par" .) || status=1
			src="$fuzzcache/$pkg/$f"
			dst="$dir/testdata/fuzz/$f"
			[ -d "$src" ] || continue
			mkdir -p "$dst"
			added=()
			while IFS= read -r file; do
				[ ${#added[@]} -ge "$keep" ] && break
				name=$(basename "$file")
				[ -e "$dst/$name" ] && continue
				cp "$file" "$dst/$name"
				added+=("$dst/$name")
			done < <(find "$src" -type f -newer "$stamp" -size -"$((maxbytes + 1))"c -printf '%s %p\n' |
				sort -n | cut -d' ' -f2-)
			echo "   kept ${#added[@]} new corpus files in $dst ($(ls "$dst" | wc -l) in all)"
			if [ ${#added[@]} -gt 0 ] && ! (cd "$dir" && go test -count=1 -run "^$f\$" . >/dev/null); then
				echo "   the regression run of $f fails with the new files: see go test -run '^$f\$' $pkg" >&2
				status=1
			fi
		done
	done
done
exit $status
