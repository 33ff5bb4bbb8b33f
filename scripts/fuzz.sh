#!/usr/bin/env bash
# Runs each fuzz target named on the command line (pkg:FuzzName) for
# FUZZTIME. A crash leaves its input under PKG/testdata/fuzz/NAME: keep it.
#
# Go before 1.27 can end a duration-bounded fuzz run with a bare
# "context deadline exceeded" at the deadline, though no input failed
# (go.dev/issue/75804: the coordinator's deadline races its workers). Such a
# run wrote no input, so it is reported and passed; any run that wrote one,
# or failed any other way, fails.
set -uo pipefail
: "${GO:=go}" "${FUZZTIME:=20s}" "${FUZZMINIMIZETIME:=3s}"

status=0
for t in "$@"; do
	pkg=${t%%:*} name=${t#*:}
	corpus="./$pkg/testdata/fuzz/$name"
	before=$(ls "$corpus" 2>/dev/null | sort)
	echo "== $name ($FUZZTIME)"
	out=$(mktemp)
	"$GO" test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "./$pkg" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	after=$(ls "$corpus" 2>/dev/null | sort)
	if [ "$rc" -ne 0 ]; then
		if [ "$before" = "$after" ] && grep -q '^    context deadline exceeded$' "$out" &&
			[ "$(grep -c -- '^--- FAIL' "$out")" = 1 ]; then
			echo "== $name: ended by the fuzzer's deadline race (go.dev/issue/75804); no input failed"
		else
			echo "== $name failed"; status=1
		fi
	fi
	rm -f "$out"
done
exit $status
