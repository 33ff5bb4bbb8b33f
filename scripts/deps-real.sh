#!/usr/bin/env bash
# deps-real.sh: an end-to-end differential test of buf.yaml `deps:` on real
# repositories. For each pair of consecutive releases of a repository that
# depends on Buf Schema Registry modules, it builds those modules (and the
# modules they depend on) from their own source repositories into a fresh
# buf module cache, pins them in each release's buf.lock, and runs, offline
# and from the same cache,
#
#   buf breaking --against .git#tag=prev --error-format json
#   protocheck check --against .git#tag=prev --format json --offline
#
# in a scratch git repository whose two commits are the two releases. It
# prints, per pair, how many findings each reports and how many they share,
# counted as multisets of (path, line, column, rule), with exit codes and
# times, and lists every finding that only one of them reports: those that
# protocheck's documented differences from buf ("What protocheck finds that
# buf does not", and --exclude-imports in the table for buf's users) explain
# are counted apart; the others are printed, with their messages, as
# unexplained.
#
# Usage:
#
#   scripts/deps-real.sh [--quick] [--bench] OWNER/NAME=GITDIR ...
#
# Each argument names where a repository's git directory is (bare or not,
# with its tags). Get them with, for each OWNER/NAME below,
#
#   git clone --bare https://github.com/OWNER/NAME NAME.git
#
# or from any copy that has the history and the tags. If they are all laid
# out as ROOT/OWNER+NAME/repo, this builds the arguments:
#
#   args=(); for d in ROOT/*+*/repo; do n=${d%/repo}; n=${n##*/}; args+=("${n/+//}=$d"); done
#   scripts/deps-real.sh "${args[@]}"
#
# The repositories checked:            their dependencies' sources:
#   authzed/api                          googleapis/googleapis
#   temporalio/api                       bufbuild/protovalidate
#   envoyproxy/data-plane-api            bufbuild/protoc-gen-validate
#                                        grpc-ecosystem/grpc-gateway
#                                        cncf/xds, google/cel-spec
#                                        open-telemetry/opentelemetry-proto
#                                        prometheus/client_model, gogo/protobuf
#
# A pair whose repositories were not all given is skipped, and said so.
#
#   --quick  one small pair (authzed/api v1.45.0 -> v1.45.4), for CI: needs
#            authzed/api, googleapis/googleapis, bufbuild/protovalidate,
#            bufbuild/protoc-gen-validate and grpc-ecosystem/grpc-gateway
#   --bench  also time protocheck on envoy's last pair, REPS runs each (default
#            5, medians printed): deps resolved from the warm cache, and the
#            same trees with the deps' files vendored and passed with -I
#
# Environment: WORK (scratch directory, default a new one under TMPDIR, kept),
# BUF (default buf on PATH, else $(go env GOPATH)/bin/buf; v1.75.0 is what
# registry/ follows), PROTOCHECK (a protocheck binary to use instead of
# building this checkout's), PAIRS, REPS.
#
# How a dependency is built. The registry is not reachable, so each module
# that a buf.lock pins is rebuilt from its source repository with
# internal/cmd/bufcache: at the commit that was the source's newest when the
# release was made (buf.lock does not say which source commit a registry
# commit came from), holding the files the registry's copy holds (googleapis:
# the subset that buf.build/googleapis/googleapis keeps). It keeps the commit
# id that buf.lock pins and gets the digest of what was built: buf.lock is
# rewritten with it (in the release's lock version: a v1 buf.lock pins b4
# digests, "shake256:", and buf refuses any other kind there; a v2 one b5).
# A module that the releases' locks pin at the same commit is built once,
# from one source commit. A module's own dependencies are added to the lock
# when the release's lock lacks them (cncf/xds needs google/cel-spec once its
# files import cel/expr). buf.build/temporalio/nexus-annotations is built
# from the copy that temporalio/api vendors (nexusannotations/), its own
# repository not being among the sources.
#
# Both tools run with HOME and BUF_CACHE_DIR in the scratch directory and no
# network use: buf finds every module in its cache, and protocheck is told
# --offline. protocheck must exit 0 or 1 (2 would mean it could not run):
# anything else fails the script, as does buf failing to build (exit other
# than 0 or 100) or an unexplained difference.
#
# The table's columns: buf's and protocheck's findings (protocheck's ignored
# ones left out), those both report (agreed), how many of those end at
# another place (end!=, shown but not a failure), those only one reports,
# how many of these are unexplained, both exit codes (buf: 0 clean, 100
# findings; protocheck: 0 clean, 1 findings) and both wall times in seconds.
# Each pair's directory under WORK keeps the trees, the cache, both outputs
# (buf.json, protocheck.json) and differences.txt.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
quick=false bench=false
declare -A repo=() # OWNER/NAME -> git directory
for a in "$@"; do
	case $a in
	--quick) quick=true ;;
	--bench) bench=true ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*=*)
		dir=${a#*=}
		git -C "$dir" rev-parse --git-dir >/dev/null 2>&1 || { echo "deps-real.sh: $dir is not a git directory" >&2; exit 2; }
		repo[${a%%=*}]=$(cd "$dir" && pwd)
		;;
	*) echo "deps-real.sh: unknown argument $a (want OWNER/NAME=GITDIR, --quick or --bench)" >&2; exit 2 ;;
	esac
done
reps=${REPS:-5}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/deps-real.XXXXXX")}
mkdir -p "$work"
buf=${BUF:-$(command -v buf || echo "$(go env GOPATH)/bin/buf")}
[ -x "$buf" ] || { echo "deps-real.sh: no buf at $buf (go install github.com/bufbuild/buf/cmd/buf@v1.75.0)" >&2; exit 2; }
(cd "$root" && go build -o "$work/bin/bufcache" ./internal/cmd/bufcache)
bufcache=$work/bin/bufcache
if [ -n "${PROTOCHECK:-}" ]; then
	protocheck=$PROTOCHECK
else
	(cd "$root" && go build -o "$work/bin/protocheck" ./cmd/protocheck)
	protocheck=$work/bin/protocheck
fi
echo "work directory: $work"
echo "buf: $buf ($("$buf" --version 2>&1))"

# The pairs: id, repository, previous release, next release. Each
# repository has a pair whose buf.lock changes between the two (a dependency
# added, or the lock moving from v1 to v2), and temporalio/api and envoy
# pairs where buf finds breaking changes; authzed/api has none under its
# WIRE_JSON rules, in any pair of releases. Envoy's data-plane-api mirror has
# no tags: its pairs are consecutive commits of the mirror (each an upstream
# envoy commit). PAIRS (lines of the same four words) replaces the list.
pairs=(
	"authzed-1.45.0-1.45.4 authzed/api v1.45.0 v1.45.4"
	"authzed-1.41.0-1.45.0 authzed/api v1.41.0 v1.45.0"
	"temporal-1.54.0-1.55.0 temporalio/api v1.54.0 v1.55.0"
	"temporal-1.62.12-1.62.13 temporalio/api v1.62.12 v1.62.13"
	"envoy-e148519e envoyproxy/data-plane-api e148519e~ e148519e"
	"envoy-48a8db7c envoyproxy/data-plane-api 48a8db7c~ 48a8db7c"
	"envoy-9a7458e5 envoyproxy/data-plane-api 9a7458e5~ 9a7458e5"
)
if [ -n "${PAIRS:-}" ]; then mapfile -t pairs <<<"$PAIRS"; fi
$quick && pairs=("${pairs[0]}")

# module_source NAME prints the module's source: repository, the module's
# root in it, then the paths (files or directories) it is built from. The
# files are those the registry's copy holds.
module_source() {
	case $1 in
	buf.build/googleapis/googleapis)
		# The ~80 files buf.build/googleapis/googleapis keeps (its buf.md says
		# which packages), not the 4000 of the repository.
		echo googleapis/googleapis . \
			google/api/{annotations,client,field_behavior,field_info,http,httpbody,launch_stage,resource,routing,visibility}.proto \
			google/api/expr/v1alpha1 google/api/expr/v1beta1 google/bytestream google/geo/type \
			google/iam/v1 google/longrunning google/rpc google/type ;;
	buf.build/bufbuild/protovalidate) echo bufbuild/protovalidate proto/protovalidate proto/protovalidate ;;
	buf.build/envoyproxy/protoc-gen-validate) echo bufbuild/protoc-gen-validate . validate/validate.proto ;;
	buf.build/grpc-ecosystem/grpc-gateway) echo grpc-ecosystem/grpc-gateway . protoc-gen-openapiv2/options ;;
	buf.build/cncf/xds) echo cncf/xds . udpa xds ;;
	buf.build/google/cel-spec) echo google/cel-spec proto proto ;;
	buf.build/opentelemetry/opentelemetry) echo open-telemetry/opentelemetry-proto . opentelemetry ;;
	buf.build/prometheus/client-model) echo prometheus/client_model . io ;;
	buf.build/gogo/protobuf) echo gogo/protobuf . gogoproto/gogo.proto ;;
	buf.build/temporalio/nexus-annotations) echo temporalio/api . nexusannotations ;;
	*) return 1 ;;
	esac
}

# module_deps NAME DIR prints the modules that the module built in DIR
# depends on, as the registry's copy records them.
module_deps() {
	case $1 in
	buf.build/grpc-ecosystem/grpc-gateway) echo buf.build/googleapis/googleapis ;;
	buf.build/cncf/xds)
		echo buf.build/envoyproxy/protoc-gen-validate buf.build/googleapis/googleapis
		if grep -rqs --include='*.proto' '^import "cel/expr/' "$2"; then echo buf.build/google/cel-spec; fi ;;
	esac
}

# needs PAIR_REPO prints the repositories a pair cannot run without.
needs() {
	case $1 in
	authzed/api) echo authzed/api googleapis/googleapis bufbuild/protovalidate bufbuild/protoc-gen-validate grpc-ecosystem/grpc-gateway ;;
	temporalio/api) echo temporalio/api googleapis/googleapis grpc-ecosystem/grpc-gateway ;;
	envoyproxy/data-plane-api) echo envoyproxy/data-plane-api cncf/xds google/cel-spec bufbuild/protoc-gen-validate gogo/protobuf googleapis/googleapis open-telemetry/opentelemetry-proto prometheus/client_model ;;
	esac
}

# export_paths REPO REV DEST PATH... writes the files under PATHs at REV
# into DEST; paths missing at REV are left out.
export_paths() {
	local r=$1 rev=$2 dest=$3
	shift 3
	local files
	mapfile -t files < <(git -C "${repo[$r]}" ls-tree -r --name-only "$rev" -- "$@")
	[ ${#files[@]} -gt 0 ] || { echo "deps-real.sh: $r at $rev has none of $*" >&2; return 1; }
	mkdir -p "$dest"
	# git complains of the blobs that a partial copy of a repository lacks
	# (googleapis' largest JSON files) though they are not exported: keep
	# its words for a failure.
	git -C "${repo[$r]}" archive --format=tar "$rev" -- "${files[@]}" 2>"$dest.err" | tar -x -C "$dest" ||
		{ cat "$dest.err" >&2; return 1; }
	rm -f "$dest.err"
}

# lock_entries LOCKFILE prints NAME COMMIT for each dependency a buf.lock
# (v1 or v2) pins.
lock_entries() {
	python3 - "$1" <<'PY'
import sys, yaml
lock = yaml.safe_load(open(sys.argv[1])) or {}
for d in lock.get("deps") or []:
    name = d.get("name") or "%s/%s/%s" % (d["remote"], d["owner"], d["repository"])
    print(name, d["commit"])
PY
}

# Per pair state, reset by run_pair.
declare -A built=()   # NAME@COMMIT -> buf.lock entry (v2) of what was built
declare -A built1=()  # NAME@COMMIT -> buf.lock entry (v1)
declare -A srcrev=()  # NAME@COMMIT -> source commit it was built from
declare -A keyof=()   # NAME@COMMIT@VERSION -> NAME:COMMIT:DIGEST, for -dep

# build_module NAME COMMIT DATE LOCKVERSION builds the module, its own
# dependencies first, into $cache, unless it was built already; sets
# dep_commit[NAME] for the modules the lock must list. DATE picks the source
# commit the first time NAME@COMMIT is built.
declare -A dep_commit=()
build_module() {
	local name=$1 commit=$2 date=$3 lv=$4 k="$1@$2"
	dep_commit[$name]=$commit
	[ -n "${keyof[$k@$lv]:-}" ] && { add_closure "$name" "$commit"; return 0; }
	local src r mroot
	src=$(module_source "$name") || { echo "deps-real.sh: no source known for $name" >&2; return 1; }
	read -r r mroot _ <<<"$src"
	local paths=(${src#* * })
	[ -n "${repo[$r]:-}" ] || { echo "deps-real.sh: $name needs $r" >&2; return 1; }
	if [ -z "${srcrev[$k]:-}" ]; then
		srcrev[$k]=$(git -C "${repo[$r]}" rev-list -1 --first-parent --before="$date" HEAD)
	fi
	local dir="$work/src/${name//\//_}@$commit"
	if [ ! -d "$dir" ]; then
		rm -rf "$dir.tmp"
		export_paths "$r" "${srcrev[$k]}" "$dir.tmp" "${paths[@]}"
		# The module's root holds its LICENSE, the repository's.
		rm -f "$dir.tmp/$mroot/LICENSE"
		git -C "${repo[$r]}" show "${srcrev[$k]}:LICENSE" >"$dir.tmp/$mroot/LICENSE" 2>/dev/null || rm -f "$dir.tmp/$mroot/LICENSE"
		mv "$dir.tmp" "$dir"
	fi
	# Its dependencies: at the commit the release's lock pins, else at one
	# of their own, from the same date.
	local deps=() d dc
	for d in $(module_deps "$name" "$dir/$mroot"); do
		dc=${lock_commit[$d]:-$(printf '%s@%s' "$d" "$date" | sha256sum | cut -c1-32)}
		build_module "$d" "$dc" "$date" "$lv"
		deps+=("$d@$dc")
	done
	# All of them, transitive ones too, as -dep flags.
	local flags=() seen=" " q=("${deps[@]}") x
	while [ ${#q[@]} -gt 0 ]; do
		x=${q[0]} q=("${q[@]:1}")
		case $seen in *" $x "*) continue ;; esac
		seen+="$x "
		flags+=(-dep "${keyof[$x@$lv]}")
		q+=(${closure[$x]:-})
	done
	closure[$k]="${deps[*]} $(for x in "${deps[@]}"; do echo "${closure[$x]:-}"; done)"
	local entry
	entry=$("$bufcache" -cache "$cache" -name "$name" -commit "$commit" -lock "$lv" "${flags[@]}" "$dir/$mroot")
	if [ "$lv" = v1 ]; then built1[$k]=$entry; else built[$k]=$entry; fi
	keyof[$k@$lv]="$name:$commit:$(awk '/digest:/ {print $2}' <<<"$entry")"
	add_closure "$name" "$commit"
}
declare -A closure=() # NAME@COMMIT -> its dependencies NAME@COMMIT, transitive

# add_closure NAME COMMIT records that the lock must list NAME's
# dependencies too.
add_closure() {
	local x
	for x in ${closure[$1@$2]:-}; do dep_commit[${x%@*}]=${x##*@}; done
}

# prepare_tree REPO REV DEST writes the release's tree into DEST with its
# buf.lock rewritten to pin the modules built for it.
declare -A lock_commit=()
prepare_tree() {
	local r=$1 rev=$2 dest=$3
	mkdir -p "$dest"
	git -C "${repo[$r]}" archive --format=tar "$rev" | tar -x -C "$dest"
	local date lv name commit
	date=$(git -C "${repo[$r]}" log -1 --format=%cI "$rev")
	lv=$(python3 -c 'import sys, yaml; print((yaml.safe_load(open(sys.argv[1])) or {}).get("version", "v1beta1"))' "$dest/buf.lock")
	case $lv in v1 | v2) ;; *) echo "deps-real.sh: $r $rev: buf.lock $lv is not handled" >&2; return 1 ;; esac
	lock_commit=() dep_commit=()
	while read -r name commit; do lock_commit[$name]=$commit; done < <(lock_entries "$dest/buf.lock")
	for name in "${!lock_commit[@]}"; do build_module "$name" "${lock_commit[$name]}" "$date" "$lv"; done
	{
		echo "# Generated by buf. DO NOT EDIT."
		echo "version: $lv"
		echo "deps:"
		for name in $(printf '%s\n' "${!dep_commit[@]}" | sort); do
			if [ "$lv" = v1 ]; then echo "${built1[$name@${dep_commit[$name]}]}"; else echo "${built[$name@${dep_commit[$name]}]}"; fi
		done
	} >"$dest/buf.lock"
}

# median prints the median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# now prints the time in seconds.
now() { date +%s.%N; }
TIMEFORMAT='%R %U %S' # for bench's time: wall, user, system seconds

# The pair --bench times: envoy's last.
bench_id=
for p in "${pairs[@]}"; do
	read -r id r _ <<<"$p"
	[ "$r" = envoyproxy/data-plane-api ] && bench_id=$id
done

status=0
results=()
for p in "${pairs[@]}"; do
	read -r id r prev next <<<"$p"
	missing=()
	for n in $(needs "$r"); do [ -n "${repo[$n]:-}" ] || missing+=("$n"); done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "== $id: skipped, needs ${missing[*]}"
		results+=("$(printf '%-26s skipped: needs %s' "$id" "${missing[*]}")")
		continue
	fi
	echo "== $id: $r $prev -> $next"
	pw="$work/$id"
	rm -rf "$pw"
	mkdir -p "$pw/home"
	cache="$pw/cache"
	built=() built1=() srcrev=() keyof=() closure=()
	prepare_tree "$r" "$prev" "$pw/prev"
	prepare_tree "$r" "$next" "$pw/next"

	# The scratch repository: prev's tree, then next's, each tagged.
	g() { git -C "$pw/repo" -c user.name=deps-real -c user.email=deps-real@example.invalid "$@"; }
	git init -q "$pw/repo"
	cp -a "$pw/prev/." "$pw/repo/"
	g add -A -f && g commit -q -m prev && g tag prev
	g rm -r -q . && cp -a "$pw/next/." "$pw/repo/"
	g add -A -f && g commit -q -m next && g tag next
	echo "   buf.lock (next):" && sed 's/^/     /' "$pw/repo/buf.lock"

	export HOME="$pw/home" BUF_CACHE_DIR="$cache"
	(cd "$pw/repo" && "$buf" build >/dev/null 2>"$pw/buf-build.err") || {
		echo "   buf build failed on next:" && sed 's/^/     /' "$pw/buf-build.err"
		status=1
	}
	t0=$(now)
	set +e
	(cd "$pw/repo" && "$buf" breaking --against '.git#tag=prev' --error-format json >"$pw/buf.json" 2>"$pw/buf.err")
	brc=$?
	t1=$(now)
	(cd "$pw/repo" && "$protocheck" check --against '.git#tag=prev' --format json --offline >"$pw/protocheck.json" 2>"$pw/protocheck.err")
	prc=$?
	t2=$(now)
	set -e
	unset HOME BUF_CACHE_DIR
	bt=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b-a}') pt=$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.2f", b-a}')
	if [ $brc -ne 0 ] && [ $brc -ne 100 ]; then
		echo "   buf breaking could not run (exit $brc):" && sed 's/^/     /' "$pw/buf.err" | head -20
		status=1
	fi
	if [ $prc -ne 0 ] && [ $prc -ne 1 ]; then
		echo "   protocheck could not run (exit $prc):" && sed 's/^/     /' "$pw/protocheck.err" | head -20
		status=1
	fi
	# The files of the deps, which buf checks as imports and protocheck does
	# not, and those of the two releases.
	find "$cache/v3/modules" -path '*/files/*' -name '*.proto' | sed 's|.*/files/||' | sort -u >"$pw/dep-files.txt"
	{ git -C "$pw/repo" ls-tree -r --name-only prev; git -C "$pw/repo" ls-tree -r --name-only next; } | sort -u >"$pw/own-files.txt"
	yv=$(python3 -c 'import sys, yaml; print((yaml.safe_load(open(sys.argv[1])) or {}).get("version", "v1beta1"))' "$pw/repo/buf.yaml")
	"$buf" config ls-breaking-rules --version v2 --include-deprecated --format json 2>/dev/null |
		python3 -c 'import json, sys; print("\n".join(json.loads(l)["id"] for l in sys.stdin if l.strip()))' >"$pw/buf-rules.txt"
	# Compare the findings as multisets of (path, line, column, rule).
	set +e
	line=$(python3 - "$pw" "$yv" "$id" "$brc" "$prc" "$bt" "$pt" <<'PY'
import collections, json, sys
pw, yv, pid, brc, prc, bt, pt = sys.argv[1:]
def load(name, pc):
    out = []
    for l in open(f"{pw}/{name}"):
        l = l.strip()
        if not l:
            continue
        o = json.loads(l)
        if pc and o.get("ignored"):
            continue
        out.append(o)
    return out
buf, pc = load("buf.json", False), load("protocheck.json", True)
key = lambda o: (o.get("path", ""), o.get("start_line", 0), o.get("start_column", 0), o["type"])
bc, pcc = collections.Counter(map(key, buf)), collections.Counter(map(key, pc))
agreed = sum((bc & pcc).values())
# Of those, the ones whose spans end elsewhere: not a failure, but shown.
full = lambda o: key(o) + (o.get("end_line", 0), o.get("end_column", 0))
bf, pf = collections.Counter(map(full, buf)), collections.Counter(map(full, pc))
span_diff = agreed - sum((bf & pf).values())
only_buf, only_pc = bc - pcc, pcc - bc
bufrules = set(open(f"{pw}/buf-rules.txt").read().split())
depfiles = set(open(f"{pw}/dep-files.txt").read().split()) - set(open(f"{pw}/own-files.txt").read().split())
msg = {}
for o in buf + pc:
    msg.setdefault(key(o), o.get("message", ""))

def why(k, side):
    """The documented reason for a known difference, or None."""
    path, line, col, rule = k
    if side == "buf" and path in depfiles:
        return "a file of a dependency: protocheck checks only the input's own files, as buf --exclude-imports"
    if side == "pc" and rule not in bufrules:
        return "a rule buf does not have"
    if side == "pc" and yv in ("v1", "v1beta1") and rule in ("EXTENSION_NO_DELETE", "PACKAGE_EXTENSION_NO_DELETE", "FIELD_SAME_DEFAULT"):
        return "buf leaves this rule out of its v1 categories"
    return None

# A deleted file or package: buf reports it without a path, protocheck at
# 1:1 of the old file. Each of buf's pathless findings pairs with one of
# protocheck's of the same rule; what is left over on either side is not
# explained.
deleted = lambda k: k[3].endswith("_NO_DELETE") and (k[1], k[2]) == (1, 1)
pool = collections.Counter()
for k, n in only_buf.items():
    if deleted(k) and k[0] in ("", "<input>"):
        pool[k[3]] += n
paired = collections.Counter()
for k, n in only_pc.items():
    if deleted(k):
        m = min(n, pool[k[3]])
        pool[k[3]] -= m
        paired[k] = m
for k in list(only_buf):
    if deleted(k) and k[0] in ("", "<input>"):
        paired[k] = only_buf[k] - pool[k[3]]
        pool[k[3]] = 0

explained = collections.Counter()
unexplained = []
for side, c in (("buf", only_buf), ("pc", only_pc)):
    for k, n in c.items():
        if paired[k]:
            explained[(side, "deleted file or package: buf gives no path, protocheck the old file")] += paired[k]
            n -= paired[k]
        if not n:
            continue
        w = why(k, side)
        if w:
            explained[(side, w)] += n
        else:
            unexplained.append((side, k, n))
with open(f"{pw}/differences.txt", "w") as f:
    for (side, w), n in sorted(explained.items()):
        print(f"explained  {'only-buf' if side == 'buf' else 'only-protocheck'} x{n}: {w}", file=f)
    for k in sorted((bf - pf).keys() | (pf - bf).keys()):
        if k[:4] in bc and k[:4] in pcc:
            print(f"end differs ({'buf' if k in bf else 'protocheck'} ends at {k[4]}:{k[5]}): {k[0]}:{k[1]}:{k[2]} {k[3]}", file=f)
    for side, (path, line, col, rule), n in sorted(unexplained):
        print(f"UNEXPLAINED {'only-buf' if side == 'buf' else 'only-protocheck'} x{n}: {path}:{line}:{col} {rule}: {msg[(path, line, col, rule)]}", file=f)
print(f"{pid:<26} {sum(bc.values()):>5} {sum(pcc.values()):>5} {agreed:>6} {span_diff:>5} {sum(only_buf.values()):>8} {sum(only_pc.values()):>8} {sum(n for _, _, n in unexplained):>5} {brc:>6} {prc:>5} {bt:>7} {pt:>7}")
sys.exit(3 if unexplained else 0)
PY
	)
	crc=$?
	set -e
	[ $crc -eq 0 ] || [ $crc -eq 3 ] || { echo "   comparison failed" >&2; status=1; }
	[ $crc -eq 3 ] && status=1
	results+=("$line")
	sed 's/^/   /' "$pw/differences.txt" | head -40

	if $bench && [ "$id" = "$bench_id" ]; then
		# The same pair with the deps' files vendored: no deps in buf.yaml, no
		# buf.lock, each module's files passed with -I.
		v="$pw/vendored"
		rm -rf "$v" && git clone -q "$pw/repo" "$v"
		for t in prev next; do
			git -C "$v" checkout -q "$t"
			python3 - "$v/buf.yaml" <<'PY'
import sys, yaml
p = sys.argv[1]
y = yaml.safe_load(open(p))
y.pop("deps", None)
yaml.safe_dump(y, open(p, "w"), sort_keys=False)
PY
			rm -f "$v/buf.lock"
			git -C "$v" -c user.name=deps-real -c user.email=deps-real@example.invalid commit -q -am "$t vendored"
			git -C "$v" tag -f "v$t" >/dev/null
		done
		incs=()
		for d in "$cache"/v3/modules/b5/*/*/*/*/files; do incs+=(-I "$d"); done
		# Alternate the two, so that both see the same state of the machine;
		# each run's findings must be the pair's. Wall time and CPU time
		# (user + system, less disturbed by other work on the machine).
		for full in "" --full; do
			rw=() rc=() vw=() vc=()
			for _ in $(seq "$reps"); do
				set +e
				{ time (cd "$pw/repo" && HOME="$pw/home" BUF_CACHE_DIR="$cache" "$protocheck" check --against '.git#tag=prev' --format json --offline $full >"$pw/bench-resolved.json" 2>"$pw/bench-resolved.err"); } 2>"$pw/time"
				rc1=$?
				read -r w u sy <"$pw/time"
				rw+=("$w") rc+=("$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u+s}')")
				{ time (cd "$v" && HOME="$pw/home" BUF_CACHE_DIR="$pw/empty-cache" "$protocheck" check --against '.git#tag=vprev' --format json "${incs[@]}" $full >"$pw/bench-vendored.json" 2>"$pw/bench-vendored.err"); } 2>"$pw/time"
				rc2=$?
				read -r w u sy <"$pw/time"
				vw+=("$w") vc+=("$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u+s}')")
				set -e
				if [ $rc1 -ne $prc ] || [ $rc2 -ne $prc ] || ! cmp -s "$pw/bench-resolved.json" "$pw/protocheck.json" || ! cmp -s "$pw/bench-vendored.json" "$pw/protocheck.json"; then
					echo "   bench: a run did not report the pair's findings (exit $rc1 and $rc2): see $pw/bench-*"
					status=1
				fi
			done
			echo "   bench: protocheck check ${full:-(selective)}, $reps runs, median wall / CPU seconds:"
			echo "     deps from the cache: $(median "${rw[@]}") / $(median "${rc[@]}")   (wall ${rw[*]})"
			echo "     vendored with -I:    $(median "${vw[@]}") / $(median "${vc[@]}")   (wall ${vw[*]})"
		done
	fi
done

echo
printf '%-26s %5s %5s %6s %5s %8s %8s %5s %6s %5s %7s %7s\n' pair buf pc agreed end!= only-buf only-pc unexp buf-rc pc-rc buf-s pc-s
printf '%s\n' "${results[@]}"
exit $status
