#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Every decision visible in a kernel where the BPF LSM layer runs beside
# the others: one `sevorix run` (the real binary, /suite/bin/sevorix) is
# refused a read (a mask of its private world), a mkdir, an unlink and a
# rename (its read-only tree), an exec, a connect and a chroot (the
# hardening filter, before any LSM hook is asked). Each refusal is one
# event naming its rule, whichever layer refused first (a refusal the
# LSM layer logged itself is not observed again at syscall exit), and the
# summary's counts equal the sum of the events' counts.

. "$(dirname "$0")/lib.sh"
guest_run_ready 10
T=/tmp/evr W=/tmp/evr/w EV=/tmp/evr.jsonl
mkdir -p $W $T/secret $T/ro && echo s >$T/secret/f && echo f >$T/ro/f && echo a >$W/a
cp /bin/busybox $T/denied
chmod -R a+rX $T && chmod -R a+rwX $W
cat >$T/p.yaml <<EOP
version: 1
network: {default: deny}
files:
  default: allow
  rules:
    - {action: deny, path: $T/secret}
    - {action: deny, path: $T/ro, access: [write]}
    - {action: deny, path: $T/denied, access: [exec]}
EOP
line() { grep -n -- "$1" $T/p.yaml | head -n 1 | cut -d: -f1; }
cd $W || exit 1
$S run --policy $T/p.yaml --user nobody --events $EV -- /bin/sh -c "
	cat $T/secret/f
	mkdir $T/ro/d
	rm $T/ro/f
	mv $W/a $T/ro/a
	$T/denied true
	/bin/busybox nc 10.4.4.4 80 </dev/null
	/bin/busybox chroot / /bin/true
	exit 0" >/tmp/evr.out 2>&1
rc=$?
# the denials of KIND naming STRING (fixed)
den() { grep "\"kind\":\"$1\"" $EV | grep '"verdict":"deny"' | grep -F -- "$2"; }
rule() { echo "\"rule\":\"$T/p.yaml:$(line "$1")\""; }

t '[ $rc = 0 ]' "the agent ran, its refused calls failed (rc $rc)"
t 'den open "$T/secret/f" | grep -q "$(rule "$T/secret}").*\"layer\":\"namespaces\".*\"errno\":\"EACCES\""' \
	"a refused read: the mask's deny rule"
t 'den mkdir "$T/ro/d" | grep -q "$(rule "$T/ro,").*\"errno\":\"EROFS\""' \
	"a refused mkdir: the rule that keeps the directory read-only"
t 'den unlink "$T/ro/f" | grep -q "$(rule "$T/ro,")"' "a refused unlink"
t 'den rename "\"to\":\"$T/ro/a\"" | grep -q "$(rule "$T/ro,")"' "a refused rename"
t 'den exec "$T/denied" | grep -q "$(rule "$T/denied")"' "a refused exec"
t 'den connect "10.4.4.4:80" | grep -q "\"rule\":\"default\""' "a refused connect"
t 'den hardening "\"target\":\"chroot\"" | grep -q "\"rule\":\"hardening\".*\"layer\":\"seccomp\""' \
	"a refused chroot: the hardening filter's"
k=0
for q in "open $T/secret/f" "mkdir $T/ro/d" "unlink $T/ro/f" "rename \"to\":\"$T/ro/a\"" \
	"exec $T/denied" "connect 10.4.4.4:80" "hardening \"target\":\"chroot\""; do
	k=$((k + $(den "${q%% *}" "${q#* }" | wc -l)))
done
t '[ $k = 7 ]' "one event per refusal ($k for 7)"
# the summary's allowed and denied, against the sum of the events' counts
sums=$(awk '
	/"kind":"summary"/ {
		match($0, /"allowed":[0-9]+/); a = substr($0, RSTART + 10, RLENGTH - 10)
		match($0, /"denied":[0-9]+/); d = substr($0, RSTART + 9, RLENGTH - 9)
		next
	}
	/"verdict":"(allow|deny)"/ && match($0, /"count":[0-9]+/) {
		c = substr($0, RSTART + 8, RLENGTH - 8)
		if ($0 ~ /"verdict":"allow"/) sa += c; else sd += c
	}
	END { printf "%d %d %d %d", a, sa, d, sd }' $EV)
read -r a sa d sd <<EOS
$sums
EOS
t '[ -n "$a" ] && [ "$a" = "$sa" ] && [ "$d" = "$sd" ] && [ "$d" -ge 7 ]' \
	"the summary's counts equal the events' (allowed $a/$sa, denied $d/$sd)"
[ $k = 7 ] && [ "$d" = "$sd" ] || {
	sed 's/^/# out: /' /tmp/evr.out
	grep -v '"kind":"\(fork\|exit\)"' $EV | sed 's/^/# /'
}
rm -rf $T $EV
