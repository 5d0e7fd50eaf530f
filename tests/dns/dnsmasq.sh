#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dnsmasq as the tests' upstream: answers only from the records given on
# the command line (no resolv.conf, no /etc/hosts, no upstream of its
# own, so nothing leaves the machine), logs every query to LOG, runs in
# the foreground as the calling user until killed.
#
# usage: dnsmasq.sh ADDR PORT LOG [DNSMASQ-OPTION]...
addr=$1 port=$2 log=$3
shift 3
exec dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
	--pid-file= --listen-address="$addr" --bind-interfaces --port="$port" \
	--user="$(id -un)" --group="$(id -gn)" --log-queries --log-facility="$log" "$@"
