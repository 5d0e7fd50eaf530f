#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sudo make demo: the stand-in agent (demo-agent.sh) under the default
# policy, then a table of what it tried, what happened, and which rule of
# the policy decided. Runs as root; the agent runs as the sudo user, or as
# nobody when there is none.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
sevorix=${SEVORIX:-$top/build/sevorix}
[ "$(id -u)" = 0 ] || { echo "demo: run it as root (sudo make demo)" >&2; exit 1; }
user=${SUDO_USER:-nobody}
[ "$user" = root ] && user=nobody

"$sevorix" doctor | sed -n '1,8p'
echo

ws=$(mktemp -d /tmp/sevorix-demo.XXXXXX)
chmod 755 "$ws"
mkdir "$ws/project"
cp "$here/demo-agent.sh" "$ws/"
chown "$user" "$ws/project"
port=$((30000 + $$ % 10000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$ws" >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$ws"' EXIT
sleep 0.5

echo "Running the demo agent as '$user' under policies/default.yaml ..."
(cd "$ws/project" && "$sevorix" run --policy "$top/policies/default.yaml" --user "$user" \
	--events "$ws/events.jsonl" -- bash "$ws/demo-agent.sh" "$port") >"$ws/report.tsv"
echo
python3 - "$ws/report.tsv" "$ws/events.jsonl" "$top/policies/default.yaml" <<'PY'
import json, sys
report, events, policy = sys.argv[1:]
lines = open(policy).read().splitlines()
evs = [json.loads(l) for l in open(events)]
def rule_of(target):
    for e in reversed(evs):
        if e.get("target") == target and "verdict" in e:
            r = e["rule"]
            if r == "default":
                return e["verdict"], "network: default " + e["verdict"]
            n = int(r.rsplit(":", 1)[1])
            return e["verdict"], "line %d: %s" % (n, lines[n - 1].strip().lstrip("- "))
    return None, "(no network rule involved)"
rows = [("ACTION", "TARGET", "RESULT", "DECIDED BY")]
for l in open(report):
    what, target, result = l.rstrip("\n").split("\t")
    verdict, rule = rule_of(target)
    shown = "BLOCKED" if verdict in ("deny", "review") else "allowed"
    if verdict is None:
        shown = "allowed" if result == "done" else "failed"
    rows.append((what, target, shown, rule))
w = [max(len(r[i]) for r in rows) for i in range(3)]
for r in rows:
    print("  ".join(r[i].ljust(w[i]) for i in range(3)) + "  " + r[3])
print("\nEvents: %s (%d lines); see 'sevorix events RUN'." % (events, len(evs)))
PY
