#!/usr/bin/env bash
# history.sh times `check --against-tags` on a git repository of a generated
# tree with TAGS release tags, each a few files apart from the one before:
# files unchanged between a tag and the working tree are not compiled again
# for every tag. It prints the wall time and peak RSS of the check against
# every tag, of the same check with --full (every file of every tag
# compiled), and of a single check against the last tag.
#
#   bench/history.sh                   # 500 files, 20 tags
#   FILES=1000 TAGS=10 bench/history.sh
#   EDITIONS=2024 bench/history.sh     # every file in edition 2024 (or mix)
set -euo pipefail

FILES=${FILES:-500}
TAGS=${TAGS:-20}
EDITIONS=${EDITIONS:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/protocheck-history}
repo="$work/repo-$FILES-$TAGS${EDITIONS:+-$EDITIONS}"
mkdir -p "$work"
# Every run as the first: protocheck's cache of files between runs off.
export PROTOCHECK_CACHE_DIR=${PROTOCHECK_CACHE_DIR:-off}

(cd "$root" && go build -o "$work/protocheck" ./cmd/protocheck)

if [ ! -f "$repo/.done" ]; then
	rm -rf "$repo" "$work/gen"
	(cd "$root" && go run ./internal/cmd/genschema -files "$FILES" -changes 0 -editions "$EDITIONS" -o "$work/gen" 2>/dev/null)
	mkdir -p "$repo"
	cp -r "$work/gen/old/." "$repo/"
	cd "$repo"
	git init -q
	git add -A
	git commit -qm base
	mapfile -t files < <(find acme -name '*.proto' | sort)
	# Each release adds a message to three files, picked in a fixed
	# pseudo-random order: compatible, so only the work is measured.
	for i in $(seq 1 "$TAGS"); do
		for k in 1 2 3; do
			f=${files[$(((i * 7919 + k * 104729) % ${#files[@]}))]}
			printf '\nmessage Release%dAddition%d {\n  string note = 1;\n}\n' "$i" "$k" >>"$f"
		done
		git commit -qam "release $i"
		git tag "v1.$i.0"
	done
	# The working tree: one more compatible change.
	printf '\nmessage Unreleased {\n  string note = 1;\n}\n' >>"${files[0]}"
	touch .done
fi

cd "$repo"
run() {
	local label=$1
	shift
	local tv
	tv=$(mktemp)
	/usr/bin/time -f "%e %M" -o "$tv" "$work/protocheck" check "$@" >/dev/null 2>&1 || true
	read -r wall rss <"$tv"
	rm -f "$tv"
	printf '| %s | %.2f s | %d MiB |\n' "$label" "$wall" "$((rss / 1024))"
}
echo "$FILES files, $TAGS tags; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| check | wall | peak RSS |"
echo "|---|---|---|"
run "against the last tag" . --against ".git#tag=v1.$TAGS.0" --use WIRE
run "against every tag" . --against-tags 'v*' --use WIRE
run "against every tag, --full" . --against-tags 'v*' --use WIRE --full
