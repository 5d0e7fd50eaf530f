#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exec: allowed ways of starting a program that must keep working under
# the hold. Each attempt also runs without Sevorix (the control, in the
# test's name). docs/escapes.md lists the layers.
. "$(dirname "$0")/escape_lib.sh"
plan 3

cp "$BUILD/tests/escape/exec_try" "$W/exec_try"
chown 65534:65534 "$W/exec_try"
X=$W/exec_try

# works_ctl NAME CMD...: must work confined; the unconfined result is shown.
works_ctl() {
	local name=$1 got ctl
	shift
	got=$(confined "$@" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" OK "$name (unconfined: $ctl)"
}

# Allowed work: the hold resolves these through the agent's own view
works_ctl "re-exec through /proc/self/exe (node, Electron, Chromium do this)" "$X" self-exe
works_ctl "exec of /dev/fd/N" "$X" dev-fd /usr/bin/true
works_ctl "exec of /proc/self/fd/N" "$X" proc-fd /usr/bin/true
