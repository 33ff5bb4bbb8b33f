# Sourced by the bench scripts, which all time a command the same way.

# protocheck's cache of files between runs would make every run after the
# first a warm one: off, unless the caller sets it (precommit.sh measures
# cold and warm runs with a cache of its own).
export PROTOCHECK_CACHE_DIR=${PROTOCHECK_CACHE_DIR:-off}

# timev FILE: reads the report `/usr/bin/time -v -o FILE` wrote and prints
# "wall_seconds cpu_seconds max_rss_kb exit_status" (exit status "?" when
# the command was killed and time gives none).
timev() {
	python3 - "$1" <<'PY'
import sys
wall = cpu = rss = 0.0
code = "?"
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    if k.startswith("Elapsed (wall clock)"):
        parts = [float(p) for p in v.split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    elif k in ("User time (seconds)", "System time (seconds)"):
        cpu += float(v)
    elif k.startswith("Maximum resident set size"):
        rss = float(v)
    elif k.startswith("Exit status"):
        code = v
print(f"{wall:.2f} {cpu:.2f} {rss:.0f} {code}")
PY
}
