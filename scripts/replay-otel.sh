#!/usr/bin/env bash
# Replays opentelemetry-proto's example OTLP payloads (examples/*.json)
# across its releases: each example of a release is read by the next
# release's schema, both directions, in JSON and in binary, and
# testdata/replay/otel-profiles-v1.5.0.json (a profile written for v1.5.0)
# is read by v1.6.0, where Profile's field numbers were reused with other
# types. Prints each run's summary and changes.
#
#   scripts/replay-otel.sh GIT_DIR [PROTOCHECK]
#
# GIT_DIR is a clone or mirror of open-telemetry/opentelemetry-proto.
set -euo pipefail
git_dir=$1
pc=${2:-protocheck}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tags=$(git --git-dir="$git_dir" tag | grep -E '^v1\.[0-9]+\.[0-9]+$' | sort -V)
for t in $tags; do
	mkdir -p "$work/$t"
	git --git-dir="$git_dir" archive "$t" opentelemetry examples | tar -x -C "$work/$t"
done

type_of() {
	case $1 in
	trace.json) echo opentelemetry.proto.trace.v1.TracesData ;;
	metrics.json) echo opentelemetry.proto.metrics.v1.MetricsData ;;
	logs.json | events.json) echo opentelemetry.proto.logs.v1.LogsData ;;
	esac
}

replay() { # OLD NEW TYPE FILE
	echo "== $4: $1 -> $2"
	"$pc" replay "$work/$2" --against "$work/$1" --type "$3" --messages "$5" \
		--direction full --encoding both --examples 1 "${@:6}" || echo "(exit status $?)"
}

prev=
for t in $tags; do
	if [ -n "$prev" ]; then
		for f in "$work/$prev"/examples/*.json; do
			name=$(basename "$f")
			replay "$prev" "$t" "$(type_of "$name")" "$name" "$f"
		done
	fi
	prev=$t
done
replay v1.5.0 v1.6.0 opentelemetry.proto.profiles.v1development.ProfilesData otel-profiles-v1.5.0.json \
	"$root/testdata/replay/otel-profiles-v1.5.0.json"
