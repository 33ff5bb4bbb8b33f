#!/usr/bin/env bash
# precommit.sh times `protocheck check` as the pre-commit hook runs it (no
# --against: the staged files against HEAD) in a git repository of a
# generated tree: with FILES .proto files and CHANGES of them changed and
# staged, and with a commit that stages no schema (a README). It prints the
# median wall time, the median CPU time (user + system) and the largest
# peak RSS of RUNS runs of each, from /usr/bin/time -v. The repository is
# generated once, deterministically (genschema's fixed seed), and reset to
# the same state before each case. The loader's cache of files
# (PROTOCHECK_CACHE_DIR) is $WORK/cache, emptied before the first run of
# each case, so that the first run is cold and the others warm; COLD=1
# empties it before every run.
#
#   bench/precommit.sh                  # 1,000 files, 5 changed, RUNS=5
#   FILES=250 CHANGES=3 RUNS=3 bench/precommit.sh
#   PROTOCHECK=/path/to/protocheck bench/precommit.sh   # another build
set -euo pipefail

FILES=${FILES:-1000}
CHANGES=${CHANGES:-5}
RUNS=${RUNS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/timev.sh"
work=${WORK:-/tmp/protocheck-precommit}
repo="$work/repo-$FILES-$CHANGES"
mkdir -p "$work"

pc=${PROTOCHECK:-}
if [ -z "$pc" ]; then
	(cd "$root" && go build -o "$work/protocheck" ./cmd/protocheck)
	pc="$work/protocheck"
fi

if [ ! -f "$repo/.done" ]; then
	rm -rf "$repo" "$work/gen-$FILES-$CHANGES"
	(cd "$root" && go run ./internal/cmd/genschema -files "$FILES" -changes "$CHANGES" -o "$work/gen-$FILES-$CHANGES" 2>/dev/null)
	mkdir -p "$repo"
	cp -r "$work/gen-$FILES-$CHANGES/old/." "$repo/"
	cd "$repo"
	git init -q
	git config user.email bench@example.com
	git config user.name bench
	echo "a schema repository" >README.md
	git add -A
	git commit -qm base
	touch .done
fi
cd "$repo"

# measure LABEL: runs the hook's command RUNS times and prints a table row.
measure() {
	local label=$1 tv
	local -a walls=() cpus=()
	local rss=0
	tv=$(mktemp)
	rm -rf "$work/cache"
	for _ in $(seq "$RUNS"); do
		[ -n "${COLD:-}" ] && rm -rf "$work/cache"
		PROTOCHECK_CACHE_DIR="$work/cache" /usr/bin/time -v -o "$tv" "$pc" check >/dev/null 2>&1 || true
		read -r w c m _ < <(timev "$tv")
		walls+=("$w")
		cpus+=("$c")
		[ "${m%.*}" -gt "$rss" ] && rss=${m%.*}
	done
	rm -f "$tv"
	median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
	printf '| %s | %s s | %s s | %d MiB |\n' "$label" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$((rss / 1024))"
}

reset() {
	git reset -q --hard HEAD
	git clean -qfdx -e .done
}

echo "$FILES files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); RUNS=$RUNS"
echo
echo "| commit | wall (median) | CPU (median) | peak RSS |"
echo "| --- | --- | --- | --- |"

# The generated changes, staged: the files that differ between the pair.
reset
(cd "$work/gen-$FILES-$CHANGES/new" && find . -name '*.proto' -print0) |
	while IFS= read -r -d '' f; do
		if ! cmp -s "$work/gen-$FILES-$CHANGES/new/$f" "$f"; then
			cp "$work/gen-$FILES-$CHANGES/new/$f" "$f"
			git add "$f"
		fi
	done
measure "$(git diff --cached --name-only | wc -l) .proto files staged"

# A commit touching no schema.
reset
echo "another line" >>README.md
git add README.md
measure "README.md staged, no schema"
reset
