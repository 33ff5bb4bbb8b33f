#!/usr/bin/env bash
# googleapis.sh times protocheck and buf breaking on googleapis, both in the
# same run, with /usr/bin/time -v (wall, CPU = user + system, peak RSS):
#
#   one    one commit that changes one file: the work tree checked out at
#          COMMIT, `check --against .git#ref=HEAD~1` from its top;
#   month  two git work trees a month apart (MONTH_OLD and COMMIT), `check
#          new --against old`, and the same two trees unpacked from `git
#          archive`, outside git.
#
# Both commits are rebuilt without the files whose blobs the clone lacks
# (the mirror this was first run on lacks one), and with a buf.yaml that
# excludes preview/, which redefines google/api's symbols: buf refuses to
# build the tree otherwise, and protocheck's full compiles fail with it.
#
#   GOOGLEAPIS=/path/to/googleapis bench/googleapis.sh one month
#   PROTOCHECK_BEFORE=/tmp/pc-old GOOGLEAPIS=... bench/googleapis.sh one
#   NOBUF=1 ...                                  # protocheck only
set -euo pipefail

src=${GOOGLEAPIS:?set GOOGLEAPIS to a clone of googleapis/googleapis with its history}
COMMIT=${COMMIT:-f8291d2b89}
MONTH_OLD=${MONTH_OLD:-694f87cb25}
RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/timev.sh"
work=${WORK:-/tmp/protocheck-googleapis}
mkdir -p "$work"
(cd "$root" && go build -o "$work/protocheck" ./cmd/protocheck)
buf=${BUF:-$(command -v buf || echo "$(go env GOPATH)/bin/buf")}

# commit REV PARENT: a commit of REV's tree without missing blobs, with
# the buf.yaml, on PARENT (or none); prints its id.
commit() {
	local rev=$1 parent=${2:-} idx tree by
	idx=$(mktemp)
	by=$(printf 'version: v2\nmodules:\n  - path: .\n    excludes: [preview]\n' | git -C "$src" hash-object -w --stdin)
	GIT_INDEX_FILE=$idx git -C "$src" read-tree "$rev"
	git -C "$src" ls-tree -r "$rev" | awk '{print $3}' | git -C "$src" cat-file --batch-check |
		awk '$2 == "missing" {print $1}' | while read -r id; do
		git -C "$src" ls-tree -r "$rev" | awk -v id="$id" '$3 == id {sub(/^[^\t]*\t/, ""); print}' |
			while read -r p; do GIT_INDEX_FILE=$idx git -C "$src" rm -q --cached -- "$p"; done
	done
	GIT_INDEX_FILE=$idx git -C "$src" update-index --add --cacheinfo "100644,$by,buf.yaml"
	tree=$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)
	rm -f "$idx"
	GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
		git -C "$src" commit-tree "$tree" ${parent:+-p "$parent"} -m "$rev"
}

# measure LABEL DIR CMD...: one line per run.
measure() {
	local label=$1 dir=$2 tv
	shift 2
	tv=$(mktemp)
	(cd "$dir" && /usr/bin/time -v -o "$tv" "$@" >"$work/out" 2>"$work/err") || true
	local w c m code lines
	read -r w c m code < <(timev "$tv")
	lines=$(grep -c . "$work/out" || true)
	printf '| %s | %s s | %s s | %d MiB | exit %s, %s lines |\n' "$label" "$w" "$c" "$(((m + 512) / 1024))" "$code" "$lines"
	rm -f "$tv"
}

tools() {
	local label=$1 dir=$2
	shift 2
	for _ in $(seq "$RUNS"); do
		[ -n "${PROTOCHECK_BEFORE:-}" ] && measure "$label, protocheck before" "$dir" "$PROTOCHECK_BEFORE" check "$@"
		measure "$label, protocheck" "$dir" "$work/protocheck" check "$@"
	done
	[ -z "${NOBUF:-}" ] && measure "$label, buf" "$dir" "$buf" breaking "$@"
	return 0
}

echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); RUNS=$RUNS"
echo
echo "| run | wall | CPU | peak RSS | result |"
echo "| --- | --- | --- | --- | --- |"
for row in "$@"; do
	case $row in
	one)
		if [ ! -d "$work/one" ]; then
			base=$(commit "$COMMIT~1")
			head=$(commit "$COMMIT" "$base")
			git -C "$src" branch -f protocheck-bench-one "$head"
			git clone -q -b protocheck-bench-one "$src" "$work/one"
			git -C "$work/one" status --short >/dev/null # refresh the index, as a user's checkout has it
		fi
		tools "one commit" "$work/one" --against '.git#ref=HEAD~1'
		;;
	month)
		if [ ! -d "$work/month" ]; then
			mkdir -p "$work/month"
			git -C "$src" branch -f protocheck-bench-old "$(commit "$MONTH_OLD")"
			git -C "$src" branch -f protocheck-bench-new "$(commit "$COMMIT")"
			for side in old new; do
				git -C "$src" worktree add -q "$work/month/$side" "protocheck-bench-$side"
				git -C "$work/month/$side" status --short >/dev/null
				mkdir -p "$work/month/$side-archive"
				git -C "$src" archive "protocheck-bench-$side" | tar -x -C "$work/month/$side-archive"
			done
		fi
		echo "| (files that differ: $(git -C "$src" diff --name-only protocheck-bench-old protocheck-bench-new -- '*.proto' | wc -l)) | | | | |"
		tools "a month, work trees" "$work/month" new --against old
		NOBUF=1 tools "a month, archives" "$work/month" new-archive --against old-archive
		;;
	esac
done
