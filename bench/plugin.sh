#!/usr/bin/env bash
# plugin.sh times buf breaking on the generated 1,000-file pair (the few1000
# pair of compare.sh) alone, with buf-plugin-protocheck on PATH, and with
# the plugin as a WebAssembly module: FILE against FILE and PROTOCHECK_FILE.
# It prints, per setup, the median wall time, the median CPU time (buf and
# the plugin's processes) and the largest peak RSS of RUNS runs, and the
# ratio to buf alone. Every setup must report buf's findings; the plugin's
# two forms must report the same findings of their own.
#
#   bench/plugin.sh                  # RUNS=3, pair in /tmp/protocheck-bench
#   RUNS=1 ONLY=native bench/plugin.sh
#
# buf compiles the Wasm module the first time it runs it and keeps the
# result in its cache (BUF_CACHE_DIR, here under WORK): a first run on a
# small pair fills it, and its time is printed apart.
set -euo pipefail

RUNS=${RUNS:-3}
ONLY=${ONLY:-}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/timev.sh"
work=${WORK:-/tmp/protocheck-bench}
pair=$work/few1000
res=$work/results/plugin
mkdir -p "$work/plugin/bin" "$res"
export BUF_CACHE_DIR=$work/plugin/cache

buf=$(command -v buf || echo "$(go env GOPATH)/bin/buf")
[ -x "$buf" ] || go install github.com/bufbuild/buf/cmd/buf@v1.75.0

echo "building buf-plugin-protocheck and buf-plugin-protocheck.wasm" >&2
(cd "$root" && go build -o "$work/plugin/bin/buf-plugin-protocheck" ./cmd/buf-plugin-protocheck &&
	GOOS=wasip1 GOARCH=wasm go build -trimpath -ldflags "-s -w" -o "$work/plugin/buf-plugin-protocheck.wasm" ./cmd/buf-plugin-protocheck)
export PATH=$work/plugin/bin:$PATH

if [ ! -f "$pair/done" ]; then
	echo "generating few1000" >&2
	(cd "$root" && go run ./internal/cmd/genschema -o "$pair" -files 1000 -changes 5 -seed 1 2>"$work/few1000.changes")
	touch "$pair/done"
fi

# config DIR USE PLUGIN: buf.yaml for both versions in DIR.
config() {
	local dir=$1 use=$2 plugin=$3
	for side in old new; do
		printf 'version: v2\nbreaking:\n  use: [%s]\n' "$use" >"$dir/$side/buf.yaml"
		if [ -n "$plugin" ]; then
			printf 'plugins:\n  - plugin: %s\n' "$plugin" >>"$dir/$side/buf.yaml"
		fi
	done
}

# measure OUT DIR: runs buf breaking in DIR under /usr/bin/time -v,
# appending "wall_seconds cpu_seconds max_rss_kb" to OUT; findings to OUT.json.
measure() {
	local out=$1 dir=$2 tv
	tv=$(mktemp)
	(cd "$dir" && /usr/bin/time -v -o "$tv" "$buf" breaking new --against old --error-format json >"$out.json" 2>"$out.err") || true
	# buf exits 100 on findings; anything else (a kill when memory runs
	# out, say) voids the run.
	grep -E '^\s*(Exit status|Command terminated)' "$tv" >>"$out.status" || true
	timev "$tv" | cut -d' ' -f1-3 >>"$out"
	rm -f "$tv"
}

setups="alone native wasm"
[ -n "$ONLY" ] && setups="alone $ONLY"
rm -f "$res"/*

if [[ $setups == *wasm* ]]; then
	# Fill the cache with the compiled module on a one-file pair.
	small=$work/plugin/small
	mkdir -p "$small/old" "$small/new"
	printf 'syntax = "proto3";\npackage acme.v1;\nmessage A { int32 a = 1; }\n' >"$small/old/a.proto"
	cp "$small/old/a.proto" "$small/new/a.proto"
	config "$small" "FILE, PROTOCHECK_FILE" "$work/plugin/buf-plugin-protocheck.wasm"
	measure "$res/wasm-cold" "$small"
fi

for i in $(seq "$RUNS"); do
	for s in $setups; do
		echo "$s: run $i/$RUNS" >&2
		case $s in
		alone) config "$pair" FILE "" ;;
		native) config "$pair" "FILE, PROTOCHECK_FILE" buf-plugin-protocheck ;;
		wasm) config "$pair" "FILE, PROTOCHECK_FILE" "$work/plugin/buf-plugin-protocheck.wasm" ;;
		esac
		measure "$res/$s" "$pair"
	done
done

python3 - "$res" $setups <<'PY'
import json, os, statistics, sys
res, setups = sys.argv[1], sys.argv[2:]
def load(name):
    rows = [list(map(float, l.split())) for l in open(os.path.join(res, name)) if l.strip()]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows), max(r[2] for r in rows)
def findings(name, plugin):
    out = set()
    for line in open(os.path.join(res, name + ".json")):
        if line.startswith("{"):
            f = json.loads(line)
            if f["type"].startswith("PROTOCHECK_") == plugin:
                out.add((f["type"], f.get("path"), f.get("start_line"), f.get("start_column")))
    return out
base = load("alone")
theirs = findings("alone", False)
ours = None
print(f"machine: {os.cpu_count()} cores; load at end: {open('/proc/loadavg').read().split()[0:3]}")
print("| setup | wall | CPU | peak RSS | wall ratio | CPU ratio | findings |")
print("|---|---|---|---|---|---|---|")
for s in setups:
    w, c, r = load(s)
    note = "buf's" if findings(s, False) == theirs and theirs else "VOID: buf's findings differ or none"
    status = open(os.path.join(res, s + ".status")).read().split("\n")
    if any(l.strip() and "Exit status: 100" not in l for l in status):
        note += " (VOID: " + "; ".join(l.strip() for l in status if l.strip() and "100" not in l) + ")"
    if s != "alone":
        mine = findings(s, True)
        if ours is None:
            ours = mine
        note += f" + {len(mine)} of the plugin" + ("" if mine == ours else " (VOID: differ between forms)")
    print(f"| {s} | {w:.1f} s | {c:.1f} s | {r/1048576:.1f} GiB | {w/base[0]:.3f} | {c/base[1]:.3f} | {note} |")
if os.path.exists(os.path.join(res, "wasm-cold")):
    w, c, r = load("wasm-cold")
    print(f"\nWasm module, first run (buf compiles it; one-file pair): {w:.1f} s wall, {c:.1f} s CPU")
PY
