#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --events ocsf:FILE: a run refused a connect, a read, a mkdir and an exec
# and allowed others, and the resolver's DNS events (tests/events/
# dns_event) go the same way; every line is validated against the required
# attributes of its class in the published OCSF 1.3.0 schema (the facts
# the check needs are in ocsf-1.3.0.json, with their source), each kind is
# of the class sevorix(1) names, and `sevorix events` reads the run back
# through the native event each line carries.
. "$(dirname "$0")/../lib/tap.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
need_kernel_layer
scratch
B=$SX_TMP/bin
mkdir -p "$B" "$SX_TMP/w" && chmod 777 "$SX_TMP/w"
cp "$BUILD/tests/kernel/net_agent" "$B/" && cp /usr/bin/true "$B/denied" && chmod -R a+rx "$B"
echo s >"$SX_TMP/secret"
cat >"$SX_TMP/p.yaml" <<EOP
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.0/8}
files:
  default: allow
  rules:
    - {action: deny, path: $SX_TMP/secret}
    - {action: deny, path: $SX_TMP/ro, access: [write]}
exec:
  default: allow
  rules:
    - {action: deny, path: $B/denied}
EOP
mkdir -p "$SX_TMP/ro" && chmod 777 "$SX_TMP/ro"
cd "$SX_TMP/w" || exit 1
"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events ocsf:events.ocsf -- /bin/sh -c "
	$B/net_agent connect 10.2.3.4 80; cat $SX_TMP/secret; mkdir $SX_TMP/ro/d; $B/denied; true" \
	>/dev/null 2>&1
"$BUILD/tests/events/dns_event" "$SX_TMP/p.yaml" "ocsf:$SX_TMP/dns.ocsf" dns0001 >/dev/null
CHECK="python3 $HERE/ocsf_check.py $HERE/ocsf-1.3.0.json"
ID=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["unmapped"]["run"])' events.ocsf)

plan 9
like "$($CHECK events.ocsf)" "^ok [0-9]+ " "every line of the run has the required attributes of its class (OCSF 1.3.0)"
diag "$($CHECK events.ocsf)"
res=$($CHECK events.ocsf)
like "$res" "connect=4001" "connect is Network Activity (4001)"
like "$res" "open=1001" "a refused read is File System Activity (1001)"
like "$res" "mkdir=1001" "and so is a refused mkdir"
like "$res" "exec=1007" "exec is Process Activity (1007)"
like "$($CHECK "$SX_TMP/dns.ocsf")" "^ok .*dns=4003" "DNS is DNS Activity (4003), with its required attributes"
like "$(grep '"kind":"connect"' events.ocsf)" '"action_id":2,"disposition_id":2.*"dst_endpoint":\{"ip":"10.2.3.4","port":80\}' \
	"a denial is action Denied, disposition Blocked, with its destination"
like "$(grep '"kind":"connect"' events.ocsf)" '"unmapped":\{[^}]*"rule":"[^"]*p.yaml:5"|"unmapped":\{.*"rule":"default"' \
	"and keeps the native event, with its rule, in unmapped"
like "$("$SEVORIX" events --pretty "$ID")" "connect +10\.2\.3\.4:80 +DENY" "sevorix events reads an OCSF run back"
