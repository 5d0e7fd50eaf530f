#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs one pinned agent CLI from npm once per machine and appends
# "NAME DIR-OF-ITS-COMMAND" to LIST ("NAME SKIP REASON" where this node
# is too old for it). Usage (from mk/agents.mk):
#
#   agents.sh NAME VERSION COMMAND MIN-NODE CACHE NPM-CACHE FALLBACK LIST
#
# The install is `npm ci --prefix CACHE/NAME-VERSION` of the package.json
# and package-lock.json in tests/agents/pins/NAME: the lock names every
# package with its SHA-512, which npm checks. It runs in a temporary
# directory and is renamed into place once the command reports VERSION, so
# a failed or interrupted install is never found. When CACHE is not
# writable, FALLBACK (under build/) is used. A lock serialises concurrent
# installs of the same package.
set -eu

name=$1 version=$2 cmd=$3 min_node=$4 cache=$5 npm_cache=$6 fallback=$7 list=$8

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt "$min_node" ]; then
	echo "  SKIP     $name $version: needs node >= $min_node, this is $(node --version)"
	echo "$name SKIP $name $version needs node >= $min_node, this is $(node --version)" >>"$list"
	exit 0
fi

{ mkdir -p "$cache" "$npm_cache" && [ -w "$cache" ] && [ -w "$npm_cache" ]; } 2>/dev/null ||
	{ cache=$fallback npm_cache=$fallback/npm; }
mkdir -p "$cache" "$npm_cache"
dest=$cache/$name-$version
bin=$dest/node_modules/.bin

exec 9>"$cache/.lock-$name-$version"
flock 9

reports_version() { "$1/$cmd" --version 2>/dev/null | grep -qF "$version"; }

if ! reports_version "$bin"; then
	echo "  NPM      $name@$version into $dest"
	tmp=$(mktemp -d "$cache/.install-$name-$version.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	cp "tests/agents/pins/$name/package.json" "tests/agents/pins/$name/package-lock.json" "$tmp/"
	npm ci --prefix "$tmp" --cache "$npm_cache" --no-audit --no-fund --no-update-notifier \
		--fetch-retries 1 --fetch-timeout 60000 >"$tmp/npm.log" 2>&1 ||
		{ cat "$tmp/npm.log" >&2; exit 1; }
	chmod 755 "$tmp"
	rm -f "$tmp/npm.log"
	rm -rf "$dest"
	mv "$tmp" "$dest"
	trap - EXIT
	reports_version "$bin" ||
		{ echo "$name: $bin/$cmd does not report version $version" >&2; exit 1; }
fi
echo "$name $bin" >>"$list"
