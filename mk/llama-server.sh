#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds llama-server from the pinned llama.cpp source once per machine and
# links it to $LINK. Usage (from mk/llama.mk):
#
#   llama-server.sh BUNDLE COMMIT CACHE FALLBACK LINK CMAKE-OPTIONS...
#
# The build lands in CACHE/COMMIT-KEY/bin/llama-server, where KEY hashes the
# CMake options, the compiler and the CPU flags (the build is -march=native),
# so a different build never answers for this one. CACHE is outside the
# clone so every clone of the machine shares it; when it is not writable,
# FALLBACK (under build/) is used. The build runs in a temporary directory
# and is renamed into place at the end: a half-built tree is never found.
# A lock serialises concurrent builds of the same key.
set -eu

bundle=$1 commit=$2 cache=$3 fallback=$4 link=$5
shift 5

{ mkdir -p "$cache" && [ -w "$cache" ]; } 2>/dev/null || cache=$fallback
mkdir -p "$cache"

key=$( { echo "$commit $*"; ${CXX:-c++} --version | head -1;
	grep -m1 '^flags' /proc/cpuinfo; } | sha256sum | cut -c1-12)
dest=$cache/$commit-$key

exec 9>"$cache/.lock-$commit-$key"
flock 9

if [ ! -x "$dest/bin/llama-server" ]; then
	tmp=$(mktemp -d "$cache/.build-$commit-$key.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "  LLAMA    building llama-server $commit into $dest (10-15 min on 2 CPUs)"
	git clone -q "$bundle" "$tmp/src" 2>"$tmp/clone.log" ||
		{ cat "$tmp/clone.log" >&2; exit 1; }
	# -j2 at low priority: the machine stays usable meanwhile.
	nice -n 10 cmake -S "$tmp/src" -B "$tmp/build" "$@" >"$tmp/cmake.log" 2>&1 ||
		{ cat "$tmp/cmake.log" >&2; exit 1; }
	nice -n 10 cmake --build "$tmp/build" --target llama-server -j2 \
		>"$tmp/build.log" 2>&1 || { tail -50 "$tmp/build.log" >&2; exit 1; }
	mkdir -p "$tmp/out/bin"
	cp "$tmp/build/bin/llama-server" "$tmp/out/bin/"
	echo "$commit $*" >"$tmp/out/options"
	"$tmp/out/bin/llama-server" --version >"$tmp/out/version" 2>&1
	rm -rf "$dest"
	mv "$tmp/out" "$dest"
fi

mkdir -p "$(dirname "$link")"
ln -sfn "$dest/bin/llama-server" "$link"
