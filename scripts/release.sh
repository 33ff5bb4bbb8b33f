#!/usr/bin/env bash
# Builds protocheck's release archives: what .github/workflows/release.yml
# runs on a tag and what a maintainer can run to check a release before
# tagging it.
#
#   scripts/release.sh VERSION [DIR]
#
# VERSION is the tag, vX.Y.Z. DIR (default dist) receives one archive per
# target, protocheck_OS_ARCH.tar.gz (.zip for windows) holding protocheck,
# README.md and LICENSE, and checksums.txt, their SHA-256 in sha256sum's
# format. `protocheck version` in each prints VERSION.
#
# The archives are reproducible: the same commit and Go version give the same
# bytes (file times are the commit's, owners are 0). TARGETS (default the six
# below) limits the build, such as TARGETS=linux/amd64 for a quick check.
# Each archive also holds buf-plugin-protocheck, the buf check plugin
# (docs/buf-plugin.md); the target wasip1/wasm, in the default TARGETS,
# writes the plugin as a WebAssembly module, buf-plugin-protocheck.wasm,
# beside the archives instead of an archive.
# Needs go, GNU tar (tar or gtar), gzip, and zip for windows; git for the
# commit's time.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: scripts/release.sh VERSION [DIR]" >&2
	exit 2
fi
version=$1
out=${2:-dist}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
	echo "release.sh: version \"$version\" is not vX.Y.Z" >&2
	exit 2
fi
targets=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64 wasip1/wasm}
root=$(cd "$(dirname "$0")/.." && pwd)

tar=tar
if ! tar --version 2>/dev/null | grep -q 'GNU tar'; then
	tar=gtar
	command -v gtar >/dev/null || {
		echo "release.sh: needs GNU tar (tar or gtar) for reproducible archives" >&2
		exit 2
	}
fi
tools="go gzip"
[[ $targets == *windows* ]] && tools+=" zip"
for tool in $tools; do
	command -v "$tool" >/dev/null || {
		echo "release.sh: needs $tool" >&2
		exit 2
	}
done

# File times in the archives: the commit's, so that a rebuild is identical.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
export TZ=UTC

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

assets=()
modules=()
for target in $targets; do
	goos=${target%/*}
	goarch=${target#*/}
	if [ "$target" = wasip1/wasm ]; then
		echo "release.sh: building buf-plugin-protocheck.wasm" >&2
		(cd "$root" && GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false -ldflags "-s -w -buildid=" \
			-o "$out/buf-plugin-protocheck.wasm" ./cmd/buf-plugin-protocheck)
		touch -d "@$epoch" "$out/buf-plugin-protocheck.wasm"
		modules+=(buf-plugin-protocheck.wasm)
		continue
	fi
	name="protocheck_${goos}_$goarch"
	exe=protocheck
	[ "$goos" = windows ] && exe=protocheck.exe
	dir="$work/$name"
	mkdir -p "$dir"
	echo "release.sh: building $name" >&2
	(cd "$root" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false \
		-ldflags "-s -w -buildid= -X github.com/protocheck/protocheck/internal/cli.buildVersion=$version" \
		-o "$dir/$exe" ./cmd/protocheck)
	plugin=buf-plugin-protocheck
	[ "$goos" = windows ] && plugin=buf-plugin-protocheck.exe
	(cd "$root" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false \
		-ldflags "-s -w -buildid=" -o "$dir/$plugin" ./cmd/buf-plugin-protocheck)
	cp "$root/README.md" "$root/LICENSE" "$dir/"
	find "$dir" -exec touch -h -d "@$epoch" {} +
	chmod 0755 "$dir/$exe" "$dir/$plugin"
	chmod 0644 "$dir/README.md" "$dir/LICENSE"
	if [ "$goos" = windows ]; then
		asset="$name.zip"
		rm -f "$out/$asset"
		(cd "$dir" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | zip -q -X -@ "$out/$asset")
	else
		asset="$name.tar.gz"
		(cd "$dir" && find . -type f | sed 's#^\./##' | LC_ALL=C sort |
			"$tar" --no-recursion --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - -T -) |
			gzip -n -9 >"$out/$asset"
	fi
	assets+=("$asset")
done

assets+=(${modules[@]+"${modules[@]}"})
(cd "$out" && sha256sum "${assets[@]}" 2>/dev/null || shasum -a 256 "${assets[@]}") >"$out/checksums.txt"
echo "release.sh: wrote $((${#assets[@]} - ${#modules[@]})) archives${modules[@]+, ${modules[*]}} and checksums.txt to $out" >&2
