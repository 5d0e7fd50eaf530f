#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
#   world.sh OBS HOME WORKSPACE CMD...
#
# Runs CMD in the world the observations OBS (generalize/NN.obs) were made
# in: a private mount namespace where every file and program they name
# exists, /home/u read as HOME and /home/u/ws as WORKSPACE (CMD starts
# there). A learnt policy names the files of the machine it was learnt on,
# and `policy check` rightly warns about an allow rule on a path that does
# not exist; the golden observations describe a made-up machine, so the
# check is run on that machine. Paths outside WORKSPACE are made in an
# overlay of their top directory whose upper layer is a tmpfs of this
# namespace: nothing is written to the real file systems (WORKSPACE is
# the caller's scratch directory, and so is WORKSPACE.layers). Needs root.
set -eu
obs=$1 home=$2 ws=$3
shift 3
# shellcheck disable=SC2016 # expanded by the shell inside the namespace
exec unshare --mount --propagation private bash -eu -c '
obs=$1 home=$2 ws=$3
shift 3
layers=$ws.layers
mkdir -p "$layers"
mount -t tmpfs sevorix-world "$layers"
# overlay DIR: DIR (a top directory) writable, its changes kept in $layers
overlay() {
	[ -d "$layers/u$1" ] && return 0
	mkdir -p "$layers/u$1" "$layers/w$1"
	mount -t overlay sevorix-world -o "lowerdir=$1,upperdir=$layers/u$1,workdir=$layers/w$1" "$1"
}
mkdir -p "$ws"
while read -r kind path rest; do
	case $kind in file | exec) ;; *) continue ;; esac
	case $path in
	/home/u/ws | /home/u/ws/*) path=$ws${path#/home/u/ws} ;;
	/home/u | /home/u/*) path=$home${path#/home/u} ;;
	esac
	[ -e "$path" ] && continue
	case $path in
	"$ws"/*) ;;
	/tmp/*) continue ;; # the run had a private /tmp, rules name /tmp itself
	*) top=${path#/} && overlay "/${top%%/*}" ;;
	esac
	case " $rest " in
	*" dir "*) mkdir -p "$path" ;;
	*) mkdir -p "$(dirname "$path")" && : >"$path" ;;
	esac
done <"$obs"
cd "$ws"
exec "$@"
' world "$obs" "$home" "$ws" "$@"
