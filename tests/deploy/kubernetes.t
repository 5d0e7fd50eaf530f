#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Kubernetes manifests, checked for structure since no cluster runs
# here: every document has its required fields, every mount has a volume,
# the rulebook and the jury configuration in the ConfigMap load, and the
# seccomp profile the init container writes points the runtime at the
# socket the agent serves, under the name the example pod asks for.
. "$(dirname "$0")/../lib/tap.sh"
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
PY=/usr/bin/python3
$PY -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed"
M="$(dirname "$0")/../../deploy/kubernetes/sevorix.yaml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plan 6

out=$($PY - "$M" "$tmp" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = {d["kind"]: d for d in docs}
errs = []
for d in docs:
    for k in ("apiVersion", "kind", "metadata"):
        if k not in d:
            errs.append("%s lacks %s" % (d.get("kind"), k))
ds = kinds["DaemonSet"]["spec"]
if ds["selector"]["matchLabels"] != ds["template"]["metadata"]["labels"]:
    errs.append("DaemonSet selector does not match its pods")
pod = ds["template"]["spec"]
vols = {v["name"] for v in pod["volumes"]}
for c in pod["containers"] + pod.get("initContainers", []):
    for m in c.get("volumeMounts", []):
        if m["name"] not in vols:
            errs.append("%s mounts unknown volume %s" % (c["name"], m["name"]))
agent = [c for c in pod["containers"] if c["name"] in ("sevorixd", "oci-agent")][0]
if not agent["securityContext"].get("privileged") or not pod.get("hostPID"):
    errs.append("the agent needs privileged and hostPID")
opt = "--oci-socket" if "--oci-socket" in agent["command"] else "--socket"
sock = agent["command"][agent["command"].index(opt) + 1]
init = " ".join(pod["initContainers"][0]["command"])
if "--socket %s" % sock not in init:
    errs.append("the profile's socket is not the agent's")
prof = [c for c in docs if c["kind"] == "Pod"][0]["spec"]["securityContext"]["seccompProfile"]
if prof["type"] != "Localhost" or prof["localhostProfile"].split("/")[-1] not in init:
    errs.append("the example pod does not use the profile the init container writes")
cm = kinds["ConfigMap"]["data"]
open(sys.argv[2] + "/policy.yaml", "w").write(cm["policy.yaml"])
open(sys.argv[2] + "/jury.yaml", "w").write(cm["jury.yaml"])
print(sock)
print("\n".join(errs) or "ok")
PY
)
sock=$(echo "$out" | head -1)
is "$(echo "$out" | tail -n +2)" ok "every document is complete and every mount has its volume"
like "$sock" "^/run/sevorix/seccomp.sock$" "the agent serves the default seccomp socket"
"$SEVORIX" policy check --user root "$tmp/policy.yaml" >/dev/null 2>"$tmp/check"
is "$?" 0 "the ConfigMap's rulebook passes policy check"
"$SEVORIX" jury config --config "$tmp/jury.yaml" >/dev/null 2>&1
is "$?" 0 "the ConfigMap's jury configuration loads"
"$SEVORIX" oci-config --policy "$tmp/policy.yaml" --socket "$sock" >"$tmp/profile.json" 2>/dev/null
like "$(cat "$tmp/profile.json")" "\"listenerPath\":\"$sock\"" "the profile points the runtime at the agent"
like "$(tr -d ' \n' <"$tmp/profile.json")" '"names":\["execve","execveat"\],"action":"SCMP_ACT_NOTIFY"' \
	"and hands it the containers' execs"
