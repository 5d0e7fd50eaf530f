#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix run's private world as a user meets it: the run's init (signals
# forwarded, orphans reaped, the command's status), the agent seeing only
# its own processes, create: rules made as the agent user (and refused
# through a symbolic link), --quiet, --keep-fd, a start-up step that
# cannot be had stopping the run, /proc/self/exe re-exec under the hold,
# and the first event naming the namespaces.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v unshare >/dev/null || skip_all "unshare(1) is not installed"
scratch
cd "$SX_TMP" || exit 1
plan 27

cat >open.yaml <<EOF
version: 1
exec:
  default: allow
  rules:
    - {action: deny, path: /usr/bin/nc.openbsd}
EOF
sx() { "$SEVORIX" run --user nobody --events "$SX_TMP/ev.jsonl" --policy open.yaml "$@"; }
# bg CMD...: sevorix run in the background, its pid in $sup (not a subshell's)
bg() {
	"$SEVORIX" run --user nobody --events "$SX_TMP/ev.jsonl" --policy open.yaml "$@" &
	sup=$!
	started $sup
}

# --- the run's init ---------------------------------------------------------
# control: a command that is PID 1 of its namespace ignores a SIGTERM it has no handler for
alive=$( (
	unshare --pid --fork sleep 30 &
	ctl=$!
	for _ in $(seq 50); do kid=$(cat /proc/$ctl/task/$ctl/children 2>/dev/null); [ -n "$kid" ] && break; sleep 0.05; done
	one=$(cat /proc/$kid/task/$kid/children 2>/dev/null)
	kill -TERM ${one:-$kid}
	sleep 0.3
	kill -0 ${one:-$kid} && echo yes
	kill -KILL $ctl ${one:-$kid}
	wait
) 2>/dev/null)
is "$alive" yes "control: a PID 1 sleep ignores SIGTERM"
bg -- sleep 30 2>/dev/null
sleep 0.5
kill -TERM $sup
wait $sup
is "$?" 143 "sleep under sevorix run dies of the forwarded SIGTERM (128+15)"
bg -- sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done' \
	>"$SX_TMP/trap.out" 2>/dev/null
for _ in $(seq 50); do grep -q ready "$SX_TMP/trap.out" && break; sleep 0.05; done
kill -TERM $sup
wait $sup
is "$?" 7 "a handled SIGTERM: the command's own exit status"
is "$(tail -n 1 "$SX_TMP/trap.out")" got-term "the command saw the signal"
is "$(sx -- sh -c 'echo $$' 2>/dev/null)" 2 "the command is PID 2, its init PID 1"
zombies=$(sx -- sh -c 'sh -c "sleep 0.1 &"; sleep 0.5; grep -l "^State:.*Z" /proc/[0-9]*/status' 2>/dev/null)
is "$zombies" "" "an orphan of the command is reaped by the init"
n=$(sx -- sh -c 'ls -d /proc/[0-9]* | wc -l' 2>/dev/null)
[ "$n" -le 4 ] && pass "the command sees only its run's processes ($n)" ||
	fail "the command sees only its run's processes ($n)"
is "$(sx -- /bin/bash -c 'exec /proc/self/exe -c "echo re-exec"' 2>/dev/null)" re-exec \
	"/proc/self/exe re-exec under the exec hold and a private /proc"
bg -- sleep 3 2>/dev/null
for _ in $(seq 100); do
	agent=$("$SEVORIX" ps --json | grep "\"supervisor\":$sup," | sed 's/.*"agent":\([0-9]*\).*/\1/')
	[ -n "$agent" ] && [ "$agent" != 0 ] && [ -e "/proc/$agent" ] &&
		[ "$(tr '\0' ' ' </proc/$agent/cmdline)" != "" ] && break
	sleep 0.05
done
is "$(tr '\0' ' ' </proc/$agent/cmdline 2>/dev/null)" "sleep 3 " "sevorix ps names the command's pid"
wait $sup
like "$(grep '"kind":"start"' ev.jsonl | tail -n 1)" '"layers":\[[^]]*"namespaces"' \
	"the first event lists the namespaces"

# --- create: ---------------------------------------------------------------------
# files POLICY RULE...: a policy that lets the agent start, plus RULEs
files() {
	local f=$1
	shift
	printf 'version: 1\nfiles:\n  default: deny\n  rules:\n' >"$f"
	printf '    - %s\n' '{action: allow, path: /usr, access: [read, exec]}' \
		'{action: allow, path: /etc, access: [read]}' \
		'{action: allow, path: /dev, access: [read, write]}' "$@" >>"$f"
}
mkdir -p home ws && chown 65534:65534 home ws
files create.yaml "{action: allow, path: \"$SX_TMP/home/.agent\", access: [read, write], create: dir}" \
	"{action: allow, path: \"$SX_TMP/home/.agent.json\", access: [read, write], create: file}"
out=$(cd ws && "$SEVORIX" run --user nobody --events /dev/null --policy ../create.yaml -- \
	sh -c "echo made >$SX_TMP/home/.agent/state && cat $SX_TMP/home/.agent/state" 2>&1)
like "$out" "created $SX_TMP/home/.agent \(.*create.yaml:8\)" "create: dir is said at start"
like "$out" "created $SX_TMP/home/.agent.json" "create: file too"
like "$out" "made" "and the allow rule grants on it"
is "$(stat -c '%u %a %F' home/.agent home/.agent.json | tr '\n' ';')" \
	"65534 700 directory;65534 600 regular empty file;" "made as the agent user, private to it"
out=$(cd ws && "$SEVORIX" run --user nobody --events /dev/null --policy ../create.yaml -- true 2>&1)
unlike "$out" "created" "a path that exists is not made again"
rm -rf home/.agent home/.agent.json
out=$(cd ws && "$SEVORIX" run --quiet --user nobody --events /dev/null --policy ../create.yaml -- true 2>&1)
unlike "$out" "created" "--quiet says nothing"
rm -rf home/.agent home/.agent.json
ln -s /root home/.agent
out=$(cd ws && "$SEVORIX" run --user nobody --events /dev/null --policy ../create.yaml -- true 2>&1)
is "$?" 125 "create: through a symbolic link stops the run"
like "$out" "create.yaml:8: cannot create $SX_TMP/home/.agent as the agent user" "and says which rule"
rm -f home/.agent
mkdir -m 700 home/locked
sed -i "s|home/.agent\"|home/locked/x\"|" create.yaml
out=$(cd ws && "$SEVORIX" run --user nobody --events /dev/null --policy ../create.yaml -- true 2>&1)
like "$out" "cannot create .*locked/x as the agent user: Permission denied" \
	"the host's permissions decide, as for the agent"

# --- a denied path that does not exist at start ------------------------------------
mkdir -p h2/ws && chown -R 65534:65534 h2
files missing.yaml "{action: allow, path: \"$SX_TMP/h2\", access: [read, write]}" \
	"{action: allow, path: \"$SX_TMP/h2/ws\", access: [read, write, exec]}" \
	"{action: deny, path: \"$SX_TMP/h2/.aws\"}"
cat >h2/ws/agent.sh <<EOF
#!/bin/sh
touch $SX_TMP/h2/ws/started
while [ ! -e $SX_TMP/h2/ws/go ]; do sleep 0.05; done
cat $SX_TMP/h2/.aws/credentials
EOF
chmod 755 h2/ws/agent.sh
(cd h2/ws && "$SEVORIX" run --user nobody --events /dev/null --policy ../../missing.yaml -- \
	./agent.sh >../out 2>&1) &
started $!
for _ in $(seq 200); do [ -e h2/ws/started ] && break; sleep 0.05; done
mkdir h2/.aws && echo key >h2/.aws/credentials && chown -R 65534:65534 h2/.aws && touch h2/ws/go
wait $!
like "$(cat h2/out)" "h2/.aws .*missing.yaml:10. does not exist, so it cannot be masked" "a missing denied path is said at start"
like "$(cat h2/out)" "credentials: Permission denied" \
	"and stays denied when it appears during the run (Landlock's expansion)"
rm -rf h2/.aws h2/ws/go
sed -i 's|h2/.aws"}|h2/.aws", create: dir}|' missing.yaml
out=$(cd h2/ws && "$SEVORIX" run --user nobody --events /dev/null --policy ../../missing.yaml -- \
	sh -c "echo x >$SX_TMP/h2/new && ls $SX_TMP/h2/.aws" 2>&1)
like "$out" "created $SX_TMP/h2/.aws" "with create: dir it is made"
like "$out" "cannot open directory .*h2/.aws.: Permission denied" "and masked"
[ -e h2/new ] && pass "so new names next to it work" || fail "so new names next to it work"

# --- options and failures ------------------------------------------------------------
sx --keep-fd 77 -- true 2>"$SX_TMP/err"
is "$?" 125 "--keep-fd of a descriptor that is not open is refused"
like "$(cat "$SX_TMP/err")" "keep-fd 77: Bad file descriptor" "and says so"
out=$(cd /proc/self && "$SEVORIX" run --user nobody --events /dev/null \
	--policy "$SX_TMP/open.yaml" -- true 2>&1)
like "$out" "cannot set up the agent's directory in its view: /proc/[0-9]+" \
	"a step of the private world that fails stops the run, naming it"
