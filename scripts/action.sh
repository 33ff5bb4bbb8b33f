#!/usr/bin/env bash
# The GitHub Action's steps (action.yml runs them). It reads the action's
# inputs from INPUT_* variables only: the workflow never pastes an input into
# this script's text, so no input can inject shell code.
#
#   action.sh install   get protocheck: the release of the action's own tag,
#                       downloaded and checked against the release's
#                       checksums; for an untagged ref, say that it must be
#                       built (go=true), so the workflow sets up Go first
#   action.sh check     build protocheck if needed, then run the check
#   action.sh           both, one after the other (for running it by hand)
#
#   INPUT_INPUT              directory of .proto files (default .)
#   INPUT_AGAINST            the version to compare with (default: from the event)
#   INPUT_FORMAT             stdout format (default github-actions: annotations)
#   INPUT_FAIL_ON            error or warning (default: protocheck's)
#   INPUT_PROVE              true to pass --prove
#   INPUT_CONFIG             configuration file, passed as --config
#   INPUT_ARGS               more arguments for protocheck check: one per line,
#                            or separated by spaces when on one line
#   INPUT_WORKING_DIRECTORY  where to run (default: the workspace)
#   INPUT_VERSION            empty: the release of the action's own tag, or a
#                            build from the action's checkout for an untagged
#                            ref; vX.Y.Z or latest: that release; a commit:
#                            go install; "installed": the protocheck on PATH
#   INPUT_SARIF              where to write the SARIF report (default protocheck.sarif)
#   ACTION_REF, ACTION_REPOSITORY
#                            the ref and repository the action was used at
#                            (default: from GITHUB_ACTION_PATH, which ends in
#                            OWNER/REPO/REF on a runner)
#   PROTOCHECK_BIN           the directory the install step left protocheck in
#
# It writes annotations to stdout, SARIF to INPUT_SARIF, a markdown summary
# to GITHUB_STEP_SUMMARY (with prove, each finding's proof in all three),
# and findings=, proofs=, exit-code= and sarif-file= to GITHUB_OUTPUT. Its exit status is protocheck's: 0 clean, 1 findings, 2 could
# not run; every status 2 comes with an ::error annotation and a summary
# section that say why.
set -euo pipefail

mode=${1:-all}
case $mode in
install | check | all) ;;
*)
	echo "usage: action.sh [install|check]" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/protocheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# escape_data and escape_prop escape a workflow command's message and its
# properties as the runner decodes them.
escape_data() {
	local s=${1//'%'/%25}
	s=${s//$'\r'/%0D}
	printf '%s' "${s//$'\n'/%0A}"
}
escape_prop() {
	local s
	s=$(escape_data "$1")
	s=${s//:/%3A}
	printf '%s' "${s//,/%2C}"
}

output() {
	echo "$1" >>"${GITHUB_OUTPUT:-/dev/null}"
}

summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
	fi
}

# group and endgroup fold a part of the log; fail closes an open one, so
# that its annotation shows.
group() {
	echo "::group::$*"
	in_group=1
}
endgroup() {
	echo "::endgroup::"
	in_group=
}

# fail ends the step with status 2: an annotation, a summary section and
# outputs that say the check did not run (findings is empty, not 0).
fail() {
	if [ -n "${in_group:-}" ]; then
		endgroup
	fi
	echo "::error title=protocheck could not run::$(escape_data "$*")"
	summary "### protocheck could not run" "" "$*" ""
	output "findings="
	output "exit-code=2"
	exit 2
}

# nothing ends the step with status 0 when there is nothing to compare with.
nothing() {
	echo "protocheck: $*"
	summary "### protocheck: nothing to compare" "" "$*" ""
	output "findings=0"
	output "exit-code=0"
	exit 0
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

# --- protocheck itself ------------------------------------------------------------

semver='^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$'

# own_ref prints the ref the action was used at, and own_repo its repository.
own_ref() {
	if [ -n "${ACTION_REF:-}" ]; then
		echo "$ACTION_REF"
	elif [ -n "${GITHUB_ACTION_PATH:-}" ]; then
		basename "$GITHUB_ACTION_PATH"
	fi
}
own_repo() {
	if [ -n "${ACTION_REPOSITORY:-}" ]; then
		echo "$ACTION_REPOSITORY"
	elif [ -n "${ACTION_REF:-}" ] || [ -z "${GITHUB_ACTION_PATH:-}" ]; then
		echo protocheck/protocheck
	else
		local owner_repo=${GITHUB_ACTION_PATH%/*}
		echo "$(basename "${owner_repo%/*}")/$(basename "$owner_repo")"
	fi
}

# release_version sets version to the release to download, or to nothing
# when protocheck must be built or is already installed.
release_version() {
	version=
	case "${INPUT_VERSION:-}" in
	installed) ;;
	"")
		local ref
		ref=$(own_ref)
		if [[ $ref =~ $semver ]]; then
			version=$ref
		fi
		;;
	latest) version=latest ;;
	*)
		if [[ $INPUT_VERSION =~ $semver ]]; then
			version=$INPUT_VERSION
		elif [[ ! $INPUT_VERSION =~ ^[0-9a-f]{7,40}$ ]]; then
			fail "version \"$INPUT_VERSION\" is not latest, a vX.Y.Z tag, a commit or installed"
		fi
		;;
	esac
}

# platform sets plat to the release's name for this runner: linux_amd64
# and so on.
platform() {
	local os arch
	case "${RUNNER_OS:-$(uname -s)}" in
	Linux) os=linux ;;
	macOS | Darwin) os=darwin ;;
	Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
	*) fail "no protocheck release for the runner's system ${RUNNER_OS:-$(uname -s)}: set version to a commit to build it" ;;
	esac
	case "${RUNNER_ARCH:-$(uname -m)}" in
	X64 | x86_64 | amd64) arch=amd64 ;;
	ARM64 | aarch64 | arm64) arch=arm64 ;;
	*) fail "no protocheck release for the runner's architecture ${RUNNER_ARCH:-$(uname -m)}: set version to a commit to build it" ;;
	esac
	plat="${os}_$arch"
}

download() { # URL FILE
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 3 -o "$2" "$1"
	else
		wget -q -O "$2" "$1"
	fi
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

# install_release downloads release $version for this runner into a
# directory that outlives the step (dir), after checking it against the
# release's checksums.
install_release() {
	local repo base asset want got
	platform
	repo=$(own_repo)
	if [ "$version" = latest ]; then
		base="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/latest/download"
	else
		base="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/$version"
	fi
	asset="protocheck_$plat.tar.gz"
	[[ $plat == windows_* ]] && asset="protocheck_$plat.zip"
	dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/protocheck-$version-$plat"
	group "download protocheck $version ($asset) from $base"
	download "$base/checksums.txt" "$tmp/checksums.txt" || fail "cannot download $base/checksums.txt: is $version a release of $repo?"
	download "$base/$asset" "$tmp/$asset" || fail "cannot download $base/$asset"
	want=$(awk -v a="$asset" '$2 == a || $2 == "*" a { print $1 }' "$tmp/checksums.txt")
	[ -n "$want" ] || fail "$asset is not in the checksums of $version"
	got=$(sha256 "$tmp/$asset")
	[ "$got" = "$want" ] || fail "$asset of $version has SHA-256 $got, but its checksums say $want: not installing it"
	rm -rf "$dir"
	mkdir -p "$dir"
	if [[ $asset == *.zip ]]; then
		unzip -q "$tmp/$asset" -d "$dir" || fail "cannot unpack $asset"
	else
		tar -xzf "$tmp/$asset" -C "$dir" || fail "cannot unpack $asset"
	fi
	endgroup
}

# install leaves protocheck where the check step finds it.
install() {
	local version plat dir
	release_version
	if [ -n "$version" ]; then
		install_release
		PROTOCHECK_BIN=$dir
		output "bin=$dir"
		output "go=false"
		echo "protocheck: installed $("$dir/protocheck" version 2>/dev/null || echo "$version") in $dir"
	elif [ "${INPUT_VERSION:-}" = installed ]; then
		output "go=false"
	else
		# An untagged ref (a branch, a commit): build from source.
		output "go=true"
	fi
}

# build builds or go-installs protocheck when install left none.
build() {
	if [ -n "${PROTOCHECK_BIN:-}" ]; then
		PATH="$PROTOCHECK_BIN:$PATH"
		return
	fi
	case "${INPUT_VERSION:-}" in
	installed) ;;
	"")
		[ -n "${GITHUB_ACTION_PATH:-}" ] || fail "GITHUB_ACTION_PATH is not set: cannot build protocheck from the action"
		group "build protocheck from the action's checkout"
		(cd "$GITHUB_ACTION_PATH" && go build -trimpath -o "$tmp/bin/protocheck" ./cmd/protocheck) || fail "go build of protocheck failed"
		endgroup
		PATH="$tmp/bin:$PATH"
		;;
	*)
		group "go install protocheck@$INPUT_VERSION"
		GOBIN="$tmp/bin" go install "github.com/protocheck/protocheck/cmd/protocheck@$INPUT_VERSION" || fail "go install of protocheck@$INPUT_VERSION failed"
		endgroup
		PATH="$tmp/bin:$PATH"
		;;
	esac
	command -v protocheck >/dev/null || fail "protocheck is not on PATH"
}

# --- where to run -------------------------------------------------------------------

# locate moves to the top of the repository that holds the input: GitHub
# reads an annotation's file from there, and protocheck names files from
# where it runs. A checkout with actions/checkout's path: option leaves the
# workspace outside any repository; a working-directory may be below the top.
# Paths in the inputs are rewritten to be from the top; SARIF stays where
# the next steps look for it.
locate() {
	workspace=$(pwd -P)
	if [ -n "${INPUT_WORKING_DIRECTORY:-}" ]; then
		cd -- "$INPUT_WORKING_DIRECTORY" 2>/dev/null || fail "working-directory $INPUT_WORKING_DIRECTORY does not exist"
	fi
	[ -e "$input" ] || fail "input $input does not exist in $PWD$(hint_path)"
	local dir top here a_path a_opts
	here=$(pwd -P)
	[[ $sarif == /* ]] || sarif="$here/$sarif"
	dir=$input
	[ -d "$dir" ] || dir=$(dirname -- "$dir")
	if ! top=$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null); then
		# A descriptor set or a directory to compare with needs no repository.
		if [ -n "${INPUT_AGAINST:-}" ] && [[ ${INPUT_AGAINST%%#*} != *.git ]]; then
			return
		fi
		fail "$PWD is not in a git repository, so there is no base to compare with: check the repository out with actions/checkout first, or set against to a descriptor set or directory"
	fi
	top=$(cd -- "$top" && pwd -P)
	[ "$here" = "$top" ] && return
	input=$(from_top "$here" "$top" "$input")
	if [ -n "${INPUT_CONFIG:-}" ]; then
		INPUT_CONFIG=$(from_top "$here" "$top" "$INPUT_CONFIG")
	fi
	if [ -n "${INPUT_AGAINST:-}" ] && [[ $INPUT_AGAINST != *://* ]]; then
		a_path=${INPUT_AGAINST%%#*}
		a_opts=
		[[ $INPUT_AGAINST == *'#'* ]] && a_opts="#${INPUT_AGAINST#*#}"
		if [[ ${a_path:-.git} == *.git ]] && [ ! -e "${a_path:-.git}" ]; then
			a_path=.git # the repository's, as from the top
		else
			a_path=$(from_top "$here" "$top" "${a_path:-.}")
		fi
		INPUT_AGAINST=$a_path$a_opts
	fi
	echo "protocheck: running in the repository's top directory, $top"
	cd -- "$top"
}

# from_top prints path $3, relative to directory $1, as seen from directory
# $2 (both physical), or absolute when it is outside $2.
from_top() {
	local abs part out=()
	abs=$3
	[[ $abs == /* ]] || abs="$1/$abs"
	IFS=/ read -ra parts <<<"$abs"
	for part in "${parts[@]}"; do
		case $part in
		"" | .) ;;
		..) [ ${#out[@]} -eq 0 ] || unset 'out[${#out[@]}-1]' ;;
		*) out+=("$part") ;;
		esac
	done
	abs="/$(
		IFS=/
		echo "${out[*]}"
	)"
	if [ "$abs" = "$2" ]; then
		echo .
	elif [[ $abs == "$2"/* ]]; then
		echo "${abs#"$2"/}"
	else
		echo "$abs"
	fi
}

# hint_path suggests working-directory when the input is in a checkout made
# with path:.
hint_path() {
	local found
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		return # the workspace is the repository: no checkout below it to name
	fi
	found=$(find . -mindepth 2 -maxdepth 3 -name .git -prune -print 2>/dev/null | head -n 1)
	found=${found#./}
	found=${found%/.git}
	if [ -n "$found" ]; then
		echo " (the repository is checked out in $found: set working-directory: $found, or input: $found/$input)"
	fi
}

# --- the version to compare with ----------------------------------------------------

# fetch_base fetches a git input's revision when a shallow checkout lacks it.
# $1 is the input's repository directory, $2 and $3 its kind and ref.
fetch_base() {
	local repo=$1 kind=$2 ref=$3 spec
	case $kind in
	branch)
		git -C "$repo" rev-parse --verify -q "refs/heads/$ref^{commit}" >/dev/null ||
			git -C "$repo" rev-parse --verify -q "refs/remotes/origin/$ref^{commit}" >/dev/null && return
		spec="+refs/heads/$ref:refs/remotes/origin/$ref"
		;;
	tag)
		git -C "$repo" rev-parse --verify -q "refs/tags/$ref^{commit}" >/dev/null && return
		spec="+refs/tags/$ref:refs/tags/$ref"
		;;
	commit)
		git -C "$repo" cat-file -e "$ref^{commit}" 2>/dev/null && return
		spec=$ref
		;;
	*) return ;;
	esac
	group "fetch $kind $ref"
	if ! git -C "$repo" fetch --no-tags --depth=1 origin "$spec"; then
		endgroup
		if ! git -C "$repo" remote get-url origin >/dev/null 2>&1; then
			fail "the $kind $ref is not in the repository, and it has no remote origin to fetch it from"
		fi
		fail "cannot fetch the $kind $ref from origin (git's message is above): does it exist, and may this job read the repository?"
	fi
	endgroup
}

# base_has succeeds when revision $2 of the repository in $1 holds .proto
# files under directory $3 ("" for the whole tree).
base_has() {
	local repo=$1 rev=$2 sub=$3
	if [ -n "$sub" ] && [ "$(git -C "$repo" cat-file -t "$rev:$sub" 2>/dev/null)" != tree ]; then
		return 1
	fi
	git -C "$repo" ls-tree -r --full-tree --name-only "$rev" -- ${sub:+"$sub"} | grep -q '\.proto$'
}

# check_git_against fetches what a local .git input needs and passes when
# the revision has no schema directory yet: the first schema breaks nobody.
check_git_against() {
	local spec=$1 path opts kind="" ref="" sub="" kv repo rev
	[[ $spec == *'#'* ]] || return 0
	path=${spec%%#*}
	opts=${spec#*#}
	[[ ${path:-.git} == *.git ]] || return 0
	[[ $path == *://* ]] && return 0
	repo=$(dirname -- "${path:-.git}")
	IFS=, read -ra kvs <<<"$opts"
	for kv in "${kvs[@]}"; do
		case $kv in
		branch=* | tag=* | ref=* | commit=*)
			kind=${kv%%=*}
			ref=${kv#*=}
			;;
		subdir=*) sub=${kv#subdir=} ;;
		esac
	done
	[ -n "$kind" ] || kind=ref ref=HEAD
	[[ $ref == -* ]] && return 0 # protocheck explains
	fetch_base "$repo" "$kind" "$ref"
	case $kind in
	branch)
		rev=refs/heads/$ref
		git -C "$repo" rev-parse --verify -q "$rev^{commit}" >/dev/null || rev=refs/remotes/origin/$ref
		;;
	tag) rev=refs/tags/$ref ;;
	*) rev=$ref ;;
	esac
	git -C "$repo" rev-parse --verify -q "$rev^{commit}" >/dev/null || return 0 # protocheck explains
	sub=${sub#./}
	sub=${sub%/}
	[ "$sub" = . ] && sub=
	if ! base_has "$repo" "$rev" "$sub"; then
		nothing "$spec holds no .proto files${sub:+ under $sub}: the change adds the first schema, so it breaks nobody"
	fi
}

resolve_against() {
	against=${INPUT_AGAINST:-}
	if [ -n "$against" ]; then
		check_git_against "$against"
		return
	fi
	local base sub cdup prefix
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
		nothing "the push created the branch: nothing to compare with"
	fi
	# From a directory below the repository's top (working-directory), the
	# repository is up there and the subdir is from the top.
	cdup=$(git rev-parse --show-cdup)
	prefix=$(git rev-parse --show-prefix)
	against="${cdup}.git#commit=$base"
	sub=$prefix${input#./}
	sub=${sub%/}
	sub=${sub%/.}
	if [ -n "$sub" ] && [ "$sub" != . ]; then
		against+=",subdir=$sub"
	fi
	check_git_against "$against"
}

# --- the check ----------------------------------------------------------------------

# could_not_run turns protocheck's status 2 into annotations and a summary
# section: the reason is on its stderr, which the job log alone shows.
could_not_run() {
	local line file ln col msg
	if [ -s "$tmp/summary.md" ]; then
		# protocheck wrote the errors it could place (compile errors) itself.
		summary "$(cat "$tmp/summary.md")"
	else
		summary "### protocheck could not run" "" "\`protocheck check\` exited with status 2:" "" '````'
		summary "$(cat "$tmp/stderr")" '````' ""
	fi
	# Every line of protocheck's stderr becomes an annotation, but for the
	# errors it annotated itself already (compile errors in the
	# github-actions format): whatever stdout holds, the reason shows.
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if [[ $line =~ ^([^:]+):([0-9]+):([0-9]+):\ (.*)$ ]]; then
			file=${BASH_REMATCH[1]} ln=${BASH_REMATCH[2]} col=${BASH_REMATCH[3]} msg=${BASH_REMATCH[4]}
			if grep -qF "::error file=$(escape_prop "$file"),line=$ln," "$tmp/stdout"; then
				continue
			fi
			echo "::error file=$(escape_prop "$file"),line=$ln,col=$col,title=protocheck could not run::$(escape_data "$msg")"
		else
			echo "::error title=protocheck could not run::$(escape_data "${line#protocheck: }")"
		fi
	done <"$tmp/stderr"
}

# sarif_limit is the most results GitHub code scanning accepts in a SARIF
# run; protocheck writes no more (report.CodeScanningLimit).
sarif_limit=25000

run_check() {
	local format=${INPUT_FORMAT:-github-actions} status=0 findings all extra=()
	local args=(check "$input" --against "$against" --format "$format"
		--output "sarif=$sarif" --output "markdown=$tmp/summary.md" --output "json=$tmp/findings.jsonl")
	if [ -n "${INPUT_FAIL_ON:-}" ]; then
		args+=(--fail-on "$INPUT_FAIL_ON")
	fi
	if [ -n "${INPUT_CONFIG:-}" ]; then
		args+=(--config "$INPUT_CONFIG")
	fi
	if [ "${INPUT_PROVE:-false}" = true ]; then
		args+=(--prove)
	fi
	if [ -n "${INPUT_ARGS:-}" ]; then
		if [[ $INPUT_ARGS == *$'\n'* ]]; then
			mapfile -t extra <<<"$INPUT_ARGS"
		else
			read -ra extra <<<"$INPUT_ARGS"
		fi
		for a in "${extra[@]}"; do
			[ -n "$a" ] && args+=("$a")
		done
	fi

	# The SARIF file's directory, as upload-sarif's paths are written.
	mkdir -p -- "$(dirname -- "$sarif")" 2>"$tmp/stderr" ||
		fail "cannot create the directory of sarif-file $INPUT_SARIF: $(cat "$tmp/stderr")"
	protocheck "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
	cat "$tmp/stdout"
	cat "$tmp/stderr" >&2

	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		could_not_run
		output "findings="
		output "exit-code=$status"
		exit "$status"
	fi
	findings=0 all=0
	if [ -f "$tmp/findings.jsonl" ]; then
		findings=$(grep -v -e '"ignored":true' -e '"type":"COMPILE"' "$tmp/findings.jsonl" | grep -c . || true)
		all=$(grep -v -e '"type":"COMPILE"' "$tmp/findings.jsonl" | grep -c . || true)
	fi
	if [ -f "$tmp/summary.md" ]; then
		summary "$(cat "$tmp/summary.md")"
	fi
	if [ "$all" -gt "$sarif_limit" ]; then
		# protocheck cut the SARIF run to what code scanning accepts.
		local msg="the SARIF report holds $sarif_limit of the $all findings (errors first): GitHub code scanning refuses a run of more than $sarif_limit results. The job log, the findings output and the summary's counts hold all of them."
		echo "::warning title=protocheck: SARIF cut::$(escape_data "$msg")"
		summary "> [!WARNING]" "> $msg" ""
	fi
	output "findings=$findings"
	# Findings that --prove showed with bytes.
	proofs=0
	if [ -f "$tmp/findings.jsonl" ]; then
		proofs=$(grep -v -e '"ignored":true' "$tmp/findings.jsonl" | grep -c '"proof":{' || true)
	fi
	output "proofs=$proofs"
	output "exit-code=$status"
	if [ -f "$sarif" ]; then
		# From the workspace, where the next steps run.
		output "sarif-file=$(from_top "$workspace" "$workspace" "$sarif")"
	fi
	exit "$status"
}

if [ "$mode" = install ]; then
	install
	exit 0
fi
if [ "$mode" = all ]; then
	install
fi
build
input=${INPUT_INPUT:-.}
sarif=${INPUT_SARIF:-protocheck.sarif}
locate
resolve_against
run_check
