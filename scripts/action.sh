#!/usr/bin/env bash
# The GitHub Action's step (action.yml runs it). It reads the action's
# inputs from INPUT_* variables only: the workflow never pastes an input into
# this script's text, so no input can inject shell code.
#
#   INPUT_INPUT     directory of .proto files, relative to the repository (default .)
#   INPUT_AGAINST   the version to compare with (default: from the event)
#   INPUT_FORMAT    stdout format (default github-actions: annotations)
#   INPUT_FAIL_ON   error or warning (default: protocheck's)
#   INPUT_PROVE     true to pass --prove
#   INPUT_VERSION   empty: build from the action's checkout; "installed": the
#                   protocheck on PATH; else a version for go install
#   INPUT_SARIF     where to write the SARIF report (default protocheck.sarif)
#
# It writes annotations to stdout, SARIF to INPUT_SARIF, a markdown summary
# to GITHUB_STEP_SUMMARY, and findings= and sarif-file= to GITHUB_OUTPUT.
# Its exit status is protocheck's: 0 clean, 1 findings, 2 could not run.
set -euo pipefail

input=${INPUT_INPUT:-.}
format=${INPUT_FORMAT:-github-actions}
sarif=${INPUT_SARIF:-protocheck.sarif}
tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/protocheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "::error title=protocheck::$*"
	exit 2
}

# event_field prints a field of the event payload, or nothing.
event_field() {
	[ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
	if command -v jq >/dev/null 2>&1; then
		jq -r "$1 // empty" "$GITHUB_EVENT_PATH"
	elif command -v python3 >/dev/null 2>&1; then
		python3 - "$1" "$GITHUB_EVENT_PATH" <<'PY'
import json, sys
v = json.load(open(sys.argv[2]))
for k in sys.argv[1].lstrip(".").split("."):
    v = v.get(k) if isinstance(v, dict) else None
print(v if isinstance(v, str) else "")
PY
	else
		fail "reading the event needs jq or python3; set the against input instead"
	fi
}

# --- protocheck itself ------------------------------------------------------
case "${INPUT_VERSION:-}" in
"")
	[ -n "${GITHUB_ACTION_PATH:-}" ] || fail "GITHUB_ACTION_PATH is not set: cannot build protocheck from the action"
	echo "::group::build protocheck from the action's checkout"
	(cd "$GITHUB_ACTION_PATH" && go build -trimpath -o "$tmp/bin/protocheck" ./cmd/protocheck) || fail "go build of protocheck failed"
	echo "::endgroup::"
	PATH="$tmp/bin:$PATH"
	;;
installed) ;;
*)
	[[ $INPUT_VERSION =~ ^(latest|v[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*|[0-9a-f]{7,40})$ ]] ||
		fail "version \"$INPUT_VERSION\" is not latest, a vX.Y.Z tag or a commit"
	echo "::group::go install protocheck@$INPUT_VERSION"
	GOBIN="$tmp/bin" go install "github.com/protocheck/protocheck/cmd/protocheck@$INPUT_VERSION" || fail "go install of protocheck@$INPUT_VERSION failed"
	echo "::endgroup::"
	PATH="$tmp/bin:$PATH"
	;;
esac
command -v protocheck >/dev/null || fail "protocheck is not on PATH"

# --- the version to compare with ----------------------------------------------
against=${INPUT_AGAINST:-}
if [ -z "$against" ]; then
	case "${GITHUB_EVENT_NAME:-}" in
	pull_request | pull_request_target) base=$(event_field .pull_request.base.sha) ;;
	merge_group) base=$(event_field .merge_group.base_sha) ;;
	push) base=$(event_field .before) ;;
	*) base= ;;
	esac
	if [ -z "$base" ]; then
		fail "no against input, and the ${GITHUB_EVENT_NAME:-unknown} event names no base commit: set against, such as .git#branch=main"
	fi
	if [[ ! $base =~ ^[0-9a-f]{40,64}$ ]]; then
		fail "the event's base commit \"$base\" is not a commit id"
	fi
	if [[ $base =~ ^0+$ ]]; then
		# A new branch: nothing was there before it.
		echo "protocheck: the push created the branch: nothing to compare with"
		echo "findings=0" >>"${GITHUB_OUTPUT:-/dev/null}"
		exit 0
	fi
	# A shallow checkout (actions/checkout's default) lacks the base.
	if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
		echo "::group::fetch the base commit $base"
		git fetch --no-tags --depth=1 origin "$base" || fail "cannot fetch the base commit $base: use actions/checkout with fetch-depth: 0"
		echo "::endgroup::"
	fi
	against=".git#commit=$base"
	sub=${input#./}
	sub=${sub%/}
	if [ -n "$sub" ] && [ "$sub" != . ]; then
		against+=",subdir=$sub"
	fi
fi

# --- the check ------------------------------------------------------------------
args=(check "$input" --against "$against" --format "$format"
	--output "sarif=$sarif" --output "markdown=$tmp/summary.md" --output "json=$tmp/findings.jsonl")
if [ -n "${INPUT_FAIL_ON:-}" ]; then
	args+=(--fail-on "$INPUT_FAIL_ON")
fi
if [ "${INPUT_PROVE:-false}" = true ]; then
	if protocheck check --help 2>/dev/null | grep -q -- '--prove'; then
		args+=(--prove)
	else
		echo "::warning title=protocheck::this protocheck has no --prove yet: checking without it"
	fi
fi

status=0
protocheck "${args[@]}" || status=$?

findings=0
if [ -f "$tmp/findings.jsonl" ]; then
	findings=$(grep -vc '"ignored":true' "$tmp/findings.jsonl" || true)
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$tmp/summary.md" ]; then
	cat "$tmp/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	echo "findings=$findings" >>"$GITHUB_OUTPUT"
	if [ -f "$sarif" ]; then
		echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
	fi
fi
exit "$status"
