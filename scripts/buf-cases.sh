#!/usr/bin/env bash
# buf-cases.sh runs buf breaking and protocheck on the breaking test trees
# that ship in buf's own Go module (read from the module cache, never copied
# here) and prints, per case, the findings only one of them reports, as
# (rule, path, start line, start column, end line, end column), counted as a
# multiset: a finding reported twice by one and once by the other differs.
# docs/differences-from-buf.md explains each kind of difference that
# remains.
#
#   scripts/buf-cases.sh            # each case with its own buf.yaml
#   USE=FILE scripts/buf-cases.sh   # each case with use: [FILE] instead
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/protocheck-buf-cases}
buf=$(command -v buf || echo "$(go env GOPATH)/bin/buf")
[ -x "$buf" ] || go install github.com/bufbuild/buf/cmd/buf@v1.75.0
mod=$(go mod download -json github.com/bufbuild/buf@v1.75.0 | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
src="$mod/private/bufpkg/bufcheck/testdata/breaking"
(cd "$root" && go build -o "$work/protocheck" ./cmd/protocheck)

rm -rf "$work/cases"
mkdir -p "$work/cases"
for dir in "$src"/current/*/; do
	c=$(basename "$dir")
	w="$work/cases/$c"
	mkdir -p "$w/previous"
	cp -r "$dir" "$w/current"
	[ -d "$src/previous/$c" ] && cp -r "$src/previous/$c/." "$w/previous/"
	chmod -R u+w "$w"
	if [ -n "${USE:-}" ]; then
		# The case's own configuration, with its use list replaced.
		python3 - "$w/current/buf.yaml" "$USE" <<'PY'
import os, re, sys
path, use = sys.argv[1], sys.argv[2]
text = open(path).read() if os.path.exists(path) else "version: v1\n"
out, skipping = [], False
for line in text.split("\n"):
    if re.match(r"^\s+use:", line):
        out.append(re.match(r"^(\s+)", line).group(1) + "use: [%s]" % use)
        skipping = True
        continue
    if skipping and re.match(r"^\s+-\s", line):
        continue
    skipping = False
    out.append(line)
text = "\n".join(out)
if "use:" not in text:
    text = text.replace("breaking:", "breaking:\n  use: [%s]" % use) if "breaking:" in text else text + "\nbreaking:\n  use: [%s]\n" % use
open(path, "w").write(text)
PY
	fi
	(cd "$w" && "$buf" breaking current --against previous --error-format json >buf.json 2>buf.err || true)
	# .git stops protocheck's search for a configuration file at the case.
	(cd "$w" && mkdir -p .git && "$work/protocheck" check current --against previous --format json >protocheck.json 2>protocheck.err || true)
	python3 - "$w" "$c" <<'PY'
import json, os, sys
from collections import Counter
w, name = sys.argv[1], sys.argv[2]
def keys(f):
    out = Counter()
    for line in open(os.path.join(w, f)):
        if line.startswith("{"):
            j = json.loads(line)
            out[(j.get("type"), j.get("path", "").removeprefix("current/"), j.get("start_line"), j.get("start_column"), j.get("end_line"), j.get("end_column"))] += 1
    return out
b, p = keys("buf.json"), keys("protocheck.json")
if b != p:
    print(f"== {name}: buf {b.total()}, protocheck {p.total()}")
    for k in sorted((b - p).elements(), key=str):
        print("  buf only       ", *k)
    for k in sorted((p - b).elements(), key=str):
        print("  protocheck only", *k)
    err = open(os.path.join(w, "protocheck.err")).read().strip()
    if err:
        print("  protocheck said:", err.splitlines()[0])
PY
done
