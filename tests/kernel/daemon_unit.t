#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# How sevorixd is started elsewhere: the systemd unit passes
# systemd-analyze verify (with its binary pointed at the one under test),
# is Type=notify and reloads with SIGHUP, and the daemon accepts the
# command lines of the unit and of the Kubernetes DaemonSet as they are;
# a `sevorixd` link is the daemon.
. "$(dirname "$0")/../lib/tap.sh"
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
U="$ROOT/deploy/systemd/sevorixd.service"
K="$ROOT/deploy/kubernetes/sevorix.yaml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plan 6

if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/local/bin/sevorix|$SEVORIX|; /^Documentation=/d" "$U" >"$tmp/sevorixd.service"
	out=$(systemd-analyze verify "$tmp/sevorixd.service" 2>&1)
	is "$out" "" "systemd-analyze verify finds nothing to say about the unit"
else
	pass "# SKIP systemd-analyze is not installed"
fi
like "$(grep -E '^(Type|ExecReload)=' "$U" | tr '\n' ' ')" 'Type=notify ExecReload=/bin/kill -HUP \$MAINPID' \
	"it is Type=notify and reloads with SIGHUP"
args=$(sed -n 's|^ExecStart=[^ ]*sevorix daemon||p' "$U")
"$SEVORIX" daemon $args --help >/dev/null
is "$?" 0 "the daemon accepts the unit's options"
args=$(python3 - "$K" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "DaemonSet":
        c = [c for c in d["spec"]["template"]["spec"]["containers"] if c["name"] == "sevorixd"][0]
        print(" ".join(c["command"]))
PY
)
like "$args" "^sevorix daemon .*--oci-socket /run/sevorix/seccomp.sock" "the DaemonSet runs the daemon as the OCI agent"
"$SEVORIX" ${args#sevorix } --help >/dev/null
is "$?" 0 "with options it accepts"
ln -s "$SEVORIX" "$tmp/sevorixd"
like "$("$tmp/sevorixd" --help)" "^Usage: sevorix daemon" "a sevorixd link is the daemon"
