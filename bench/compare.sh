#!/usr/bin/env bash
# compare.sh times protocheck against buf breaking on generated monorepo-sized
# schemas: the same pair, the same rules, directory against directory and
# descriptor set against descriptor set. It prints, per scenario, the median
# wall time, the median CPU time and the largest peak RSS of RUNS runs, and
# the ratio protocheck/buf. Both tools must report the same findings (rule,
# path, line), else the scenario is marked void.
#
#   bench/compare.sh                 # RUNS=3, pairs in /tmp/protocheck-bench
#   RUNS=5 WORK=/data/bench bench/compare.sh
#   ONLY=few1000 bench/compare.sh    # one scenario (name prefix)
#   ONLY=floor bench/compare.sh      # protocheck against protocompile alone
#   ONLY=growth bench/compare.sh     # 250 against 1,000 files, all changed
#   ONLY=compilers bench/compare.sh  # protocompile's two compilers alone
set -euo pipefail

RUNS=${RUNS:-3}
ONLY=${ONLY:-}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/timev.sh"
work=${WORK:-/tmp/protocheck-bench}
mkdir -p "$work"

echo "building protocheck" >&2
(cd "$root" && go build -o "$work/protocheck" ./cmd/protocheck && go build -o "$work/compileonly" ./internal/cmd/compileonly)
buf=$(command -v buf || true)
if [ -z "$buf" ]; then
	buf="$(go env GOPATH)/bin/buf"
	if [ ! -x "$buf" ]; then
		echo "installing buf v1.75.0" >&2
		go install github.com/bufbuild/buf/cmd/buf@v1.75.0
	fi
fi
case "$("$buf" --version)" in
1.75.*) ;;
*) echo "warning: buf $("$buf" --version), the reference is 1.75" >&2 ;;
esac

# gen NAME ARGS...: a generated pair in $work/NAME/{old,new}, plus buf images.
gen() {
	local name=$1
	shift
	if [ ! -f "$work/$name/done" ]; then
		echo "generating $name: $*" >&2
		(cd "$root" && go run ./internal/cmd/genschema -o "$work/$name" "$@" 2>"$work/$name.changes")
		for side in old new; do
			(cd "$work/$name" && "$buf" build "$side" -o "$side.binpb")
		done
		touch "$work/$name/done"
	fi
}

# measure OUT CMD...: runs CMD under /usr/bin/time -v, appending
# "wall_seconds cpu_seconds max_rss_kb" to OUT; the findings go to OUT.json.
measure() {
	local out=$1
	shift
	local tv
	tv=$(mktemp)
	/usr/bin/time -v -o "$tv" "$@" >"$out.json" 2>"$out.err" || true
	timev "$tv" | cut -d' ' -f1-3 >>"$out"
	rm -f "$tv"
}

# findings FILE: the sorted, distinct "rule path line" of a JSON-lines report.
findings() {
	python3 - "$1" <<'PY'
import json, re, sys
seen = set()
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    f = json.loads(line)
    path = re.sub(r"^.*?(acme/)", r"\1", f.get("path", ""))
    seen.add(f'{f.get("type")} {path} {f.get("start_line")}')
print("\n".join(sorted(seen)))
PY
}

summary() {
	python3 - "$@" <<'PY'
import statistics, sys
def load(p):
    rows = [list(map(float, l.split())) for l in open(p) if l.strip()]
    return (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows), max(r[2] for r in rows))
name, use, pc, bf, same = sys.argv[1:6]
p, b = load(pc), load(bf)
print(f"| {name} | {use} | {p[0]:.2f} s | {b[0]:.2f} s | {p[0]/b[0]:.3f} | {p[1]:.1f} s | {b[1]:.1f} s | {p[2]/1024:.0f} MiB | {b[2]/1024:.0f} MiB | {p[2]/b[2]:.3f} | {same} |")
PY
}

# scenario NAME PAIR KIND USE
scenario() {
	local name=$1 pair=$2 kind=$3 use=$4
	case "$name" in "$ONLY"*) ;; *) return ;; esac
	local dir="$work/$pair" res="$work/results/$name"
	rm -rf "$res"
	mkdir -p "$res"
	local newIn=new oldIn=old
	if [ "$kind" = descset ]; then
		newIn=new.binpb oldIn=old.binpb
	fi
	# buf reads a directory's rules from its buf.yaml, a descriptor set's
	# from --config.
	local cfg="{\"version\":\"v2\",\"breaking\":{\"use\":[\"$use\"]}}"
	local bufcfg=(--config "$cfg" --against-config "$cfg")
	if [ "$kind" = dir ]; then
		bufcfg=()
		for side in old new; do
			printf 'version: v2\nbreaking:\n  use: [%s]\n' "$use" >"$dir/$side/buf.yaml"
		done
	fi
	for i in $(seq "$RUNS"); do
		echo "$name: run $i/$RUNS" >&2
		(cd "$dir" && measure "$res/buf" "$buf" breaking "$newIn" --against "$oldIn" \
			"${bufcfg[@]}" --error-format json)
		(cd "$dir" && measure "$res/protocheck" "$work/protocheck" check "$newIn" --against "$oldIn" \
			--use "$use" --format json)
	done
	findings "$res/buf.json" >"$res/buf.findings"
	findings "$res/protocheck.json" >"$res/protocheck.findings"
	local same=yes
	if ! cmp -s "$res/buf.findings" "$res/protocheck.findings"; then
		same="VOID: findings differ"
		diff "$res/buf.findings" "$res/protocheck.findings" >"$res/findings.diff" || true
	elif [ ! -s "$res/buf.findings" ]; then
		same="VOID: no finding"
	fi
	summary "$name" "$use" "$res/protocheck" "$res/buf" "$same" >>"$work/results/table.md"
}

gen few1000 -files 1000 -changes 5 -seed 1
gen touch500 -files 500 -changes 5 -touch-all -seed 2
gen few250 -files 250 -changes 5 -seed 3
# The same size in editions: a third of the files in 2023 and a third in
# 2024 (the newer compiler takes what imports those), then all in 2024.
gen mix1000 -files 1000 -changes 5 -seed 1 -editions mix
gen ed1000 -files 1000 -changes 5 -seed 1 -editions 2024

mkdir -p "$work/results"
{
	echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "runs per cell: $RUNS (median wall, median CPU, max RSS); $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "| scenario | rules | protocheck wall | buf wall | ratio | protocheck CPU | buf CPU | protocheck RSS | buf RSS | ratio | same findings |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$work/results/table.md"

scenario few250-dir few250 dir FILE
scenario few1000-dir few1000 dir FILE
scenario few1000-descset few1000 descset WIRE
scenario mix1000-dir mix1000 dir FILE
scenario ed1000-dir ed1000 dir FILE
scenario ed1000-descset ed1000 descset WIRE
scenario touch500-dir touch500 dir FILE
scenario touch500-descset touch500 descset WIRE

# floor NAME PAIR: protocheck on a pair where every file's declarations
# changed, against
# compiling both sides with protocompile alone (internal/cmd/compileonly,
# same GOGC as protocheck sets), which no full compile can beat.
floor() {
	local name=$1 pair=$2
	case "floor-$name" in "$ONLY"*) ;; *) return ;; esac
	local dir="$work/$pair" res="$work/results/floor-$name"
	rm -rf "$res"
	mkdir -p "$res"
	for i in $(seq "$RUNS"); do
		echo "floor-$name: run $i/$RUNS" >&2
		(cd "$dir" && GOGC=200 measure "$res/alone" "$work/compileonly" old new)
		(cd "$dir" && measure "$res/protocheck" "$work/protocheck" check new --against old --use FILE --format json)
	done
	python3 - "$name" "$res/protocheck" "$res/alone" >>"$work/results/floor.md" <<'PY'
import statistics, sys
def load(p):
    rows = [list(map(float, l.split())) for l in open(p) if l.strip()]
    return statistics.median(r[0] for r in rows), max(r[2] for r in rows)
name, pc, alone = sys.argv[1:4]
p, a = load(pc), load(alone)
print(f"| {name} | {p[0]:.2f} s | {a[0]:.2f} s | {p[0]/a[0]:.2f} | {p[1]/1024:.0f} MiB | {a[1]/1024:.0f} MiB |")
PY
}

# growth SMALL LARGE: protocheck's wall time on two pairs where every file
# changed, the second four times the size of the first.
growth() {
	local small=$1 large=$2
	case "growth" in "$ONLY"*) ;; *) return ;; esac
	local res="$work/results/growth"
	rm -rf "$res"
	mkdir -p "$res"
	for pair in "$small" "$large"; do
		for i in $(seq "$RUNS"); do
			echo "growth $pair: run $i/$RUNS" >&2
			(cd "$work/$pair" && measure "$res/$pair" "$work/protocheck" check new --against old --use FILE --format json)
		done
	done
	python3 - "$res/$small" "$res/$large" "$small" "$large" >>"$work/results/floor.md" <<'PY'
import statistics, sys
med = lambda p: statistics.median(float(l.split()[0]) for l in open(p) if l.strip())
s, l = med(sys.argv[1]), med(sys.argv[2])
print(f"\ngrowth: {sys.argv[3]} {s:.2f} s, {sys.argv[4]} {l:.2f} s: {l/s:.2f} times the time for 4 times the files")
PY
}

{
	echo
	echo "| every file's declarations changed | protocheck wall | protocompile alone | ratio | protocheck RSS | alone RSS |"
	echo "|---|---|---|---|---|---|"
} >"$work/results/floor.md"
# semantic NAME FROM: a copy of the pair FROM in which every file of the new
# version also changes its declarations (a file option each), so that
# nothing can be skipped: a comment alone does not make a file compile.
semantic() {
	local name=$1 from=$2
	if [ ! -f "$work/$name/done" ]; then
		rm -rf "$work/$name"
		mkdir -p "$work/$name"
		cp -r "$work/$from/old" "$work/$from/new" "$work/$name/"
		find "$work/$name/new" -name '*.proto' -exec sh -c 'printf "option java_outer_classname = \"Changed\";\n" >>"$1"' _ {} \;
		touch "$work/$name/done"
	fi
}
semantic semantic500 touch500
floor semantic500 semantic500

# compilers PAIR: protocompile's two compilers alone on both versions of a
# pair, with source info, to protoreflect descriptors: the v0.14 compiler
# that protocheck runs on all but edition 2024 trees, and the newer one
# that buf builds with and protocheck routes 2024 files to.
compilers() {
	local pair=$1
	case "compilers" in "$ONLY"*) ;; *) return ;; esac
	local res="$work/results/compilers"
	rm -rf "$res"
	mkdir -p "$res"
	for i in $(seq "$RUNS"); do
		echo "compilers $pair: run $i/$RUNS" >&2
		for c in v014 ir; do
			(cd "$work/$pair" && measure "$res/$c" "$work/compileonly" -compiler "$c" old new)
		done
	done
	python3 - "$pair" "$res/v014" "$res/ir" >>"$work/results/floor.md" <<'PY'
import statistics, sys
def load(p):
    rows = [list(map(float, l.split())) for l in open(p) if l.strip()]
    return statistics.median(r[0] for r in rows), max(r[2] for r in rows)
pair, a, b = sys.argv[1:4]
v, n = load(a), load(b)
print(f"\ncompilers on {pair}, both versions: v0.14 {v[0]:.2f} s {v[1]/1024:.0f} MiB; newer {n[0]:.2f} s {n[1]/1024:.0f} MiB; newer/v0.14 {n[0]/v[0]:.2f} wall, {n[1]/v[1]:.2f} RSS")
PY
}
compilers few1000
case "growth" in "$ONLY"*)
	gen touch250 -files 250 -changes 5 -touch-all -seed 4
	gen touch1000 -files 1000 -changes 5 -touch-all -seed 4
	semantic semantic250 touch250
	semantic semantic1000 touch1000
	growth semantic250 semantic1000
	;;
esac
cat "$work/results/floor.md" >>"$work/results/table.md"

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/results/table.md"
cat "$work/results/table.md"
