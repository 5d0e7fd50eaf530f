#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Network escapes the cgroup hooks do not see, and Landlock's TCP port
# rule. The policy allows 127.0.0.0/8 port 8080 only (default deny).
# docs/escapes.md lists the layers.
. "$(dirname "$0")/escape_lib.sh"
plan 12

is "$(confined "$TRY" connect 8080 | tail -n 1)" ECONNREFUSED \
	"tcp connect to the allowed port passes (refused by the closed port)"
refused "tcp connect to a port no rule allows" EACCES "$TRY" connect 9
refused "MPTCP socket (bypasses TCP rules)" EPERM "$TRY" socket mptcp
refused "TCP Fast Open sendto (connect inside sendto)" EPERM "$TRY" tfo 9
refused "raw socket" EPERM "$TRY" socket raw
refused "packet socket" EPERM "$TRY" socket packet
refused "ICMP ping socket" EPERM "$TRY" socket ping
refused "ICMPv6 ping socket" EPERM "$TRY" socket ping6
refused "AF_VSOCK socket" EPERM "$TRY" socket vsock
refused "SCTP socket" EPERM "$TRY" socket sctp
refused "AF_ALG socket" EPERM "$TRY" socket alg
works "UDP sendto to the allowed port still works" "$TRY" udp 8080
