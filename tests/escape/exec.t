#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exec: the identity of what runs (every file the kernel loads, and the
# bytes it was judged on), the hold's bounded work, and allowed ways of
# starting a program that must keep working under the hold. Each attempt
# also runs without Sevorix (the control, in the test's name).
# docs/escapes.md lists the layers.
. "$(dirname "$0")/escape_lib.sh"
plan 21

X=$W/exec_try
cp "$BUILD/tests/escape/exec_try" "$X"
cp "$BUILD/tests/kernel/exec_agent" "$W/exec_agent"
B=$W/big
mkdir -p "$B"
# 4 GiB sparse files: "denied" is /usr/bin/true grown to 4 GiB; "copy" is a
# byte-identical (sparse) copy of it; "big" differs in one byte at 1 MiB
cp /usr/bin/true "$B/denied" && truncate -s 4G "$B/denied"
cp --sparse=always "$B/denied" "$B/copy"
cp --sparse=always "$B/denied" "$B/big"
printf 'x' | dd of="$B/big" bs=1 seek=$((1 << 20)) conv=notrunc status=none
# other builds of denied programs (a byte appended), and exact copies of them
cp /bin/dash "$W/deniedsh" && printf 'x' >>"$W/deniedsh" && cp "$W/deniedsh" "$W/sh2"
LD=$(readlink -f /lib64/ld-linux-x86-64.so.2)
cp "$LD" "$W/myld" && printf 'x' >>"$W/myld" && cp "$W/myld" "$W/i"
cp /usr/bin/true "$W/dtrue" && printf 'x' >>"$W/dtrue"
cp /usr/bin/true "$W/atrue" && printf 'y' >>"$W/atrue"
printf '#!%s\nexit 0\n' "$W/sh2" >"$W/s1.sh"   # a script run by a copy of a denied shell
printf '#!%s\n' "$W/s1.sh" >"$W/s2.sh"         # ... one interpreter further
cp /usr/bin/true "$W/crafted"                  # an ELF whose loader is ./i, a denied copy
R=$W/race                                      # a loader swapped between check and exec
mkdir -p "$R" && cp "$LD" "$R/good" && cp "$W/myld" "$R/bad" && ln "$R/good" "$R/L"
cp /usr/bin/grep "$R/g"
cat >"$R/swap.sh" <<EOF
#!/bin/sh
cd $R
(while :; do ln -f good L.t && mv -f L.t L; ln -f bad L.u && mv -f L.u L; done) &
n=0
for i in \$(seq 100); do ./g -q " \$(stat -c %i bad) " /proc/self/maps 2>/dev/null && n=\$((n + 1)); done
kill \$!
echo "\$n"
EOF
chmod 755 "$R"/* "$W"/*.sh "$W"/deniedsh "$W"/sh2 "$W"/myld "$W"/i "$W"/dtrue "$W"/atrue
chown -R 65534:65534 "$W"
"$X" set-interp "$W/crafted" ./i >/dev/null || diag "cannot set the ELF interpreter"
"$X" set-interp "$R/g" ./L >/dev/null || diag "cannot set the ELF interpreter"

# variant NAME [allow] [written] [RULE...]: the escape policy with its exec
# default allow (as in the default policy), "written: deny", and rules
# (YAML flow maps) added to its exec section.
variant() {
	python3 - "$SX_TMP/policy.yaml" "$SX_TMP/$1.yaml" "${@:2}" <<'PY'
import sys
src, dst, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
out, section = [], None
for line in open(src).read().split("\n"):
    if line and not line.startswith(" "):
        section = line.rstrip(":")
    out.append(line)
    if line == "exec:" and "written" in extra:
        out.append("  written: deny")
    if section == "exec" and line == "  default: deny" and "allow" in extra:
        out[-1] = "  default: allow"
    if section == "exec" and line == "  rules:":
        out += ["    - " + r for r in extra if r not in ("written", "allow")]
open(dst, "w").write("\n".join(out))
PY
	chmod 644 "$SX_TMP/$1.yaml"
}
with() { # with POLICY CMD...: confined under a variant
	local pol=$1
	shift
	(cd "$W" && "$SEVORIX" run --policy "$SX_TMP/$pol.yaml" --user nobody --events /dev/null \
		-- "$@" 2>&1)
}
variant big "{action: deny, path: \"$B/denied\"}"
variant ident allow "{action: deny, path: \"$W/deniedsh\"}" "{action: deny, path: \"$W/myld\"}" \
	"{action: deny, path: \"$W/dtrue\"}"
variant wx allow written
variant argv "{action: deny, argv: \"touch *forbidden*\"}"

# works_ctl NAME CMD...: must work confined; the unconfined result is shown.
works_ctl() {
	local name=$1 got ctl
	shift
	got=$(confined "$@" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" OK "$name (unconfined: $ctl)"
}
# refused_with POLICY NAME WANT CMD...: refused under a variant, with its control.
refused_with() {
	local pol=$1 name=$2 want=$3 got ctl
	shift 3
	got=$(with "$pol" "$@" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" "$want" "$name (unconfined: $ctl)"
}

# Allowed work: the hold resolves these through the agent's own view
works_ctl "re-exec through /proc/self/exe (node, Electron, Chromium do this)" "$X" self-exe
works_ctl "exec of /dev/fd/N" "$X" dev-fd /usr/bin/true
works_ctl "exec of /proc/self/fd/N" "$X" proc-fd /usr/bin/true

# One thread can be stalled: two execs of 4 GiB files being identified
# must not hold an unrelated exec (before the cap and the answering
# threads: 24 s). The hold reads at most 16 MiB of a file (src/hold/ident.c).
ctl=$(unconfined "$X" stall "$B/big" 2 | tail -n 2 | head -n 1)
out=$(with big "$X" stall "$B/big" 2)
ms=$(printf '%s\n' "$out" | tail -n 2 | head -n 1)
is "$(printf '%s\n' "$out" | tail -n 1)" OK "an unrelated exec beside two 4 GiB execs works"
awk -v ms="$ms" 'BEGIN { exit !(ms + 0 < 1000) }'
is "$?" 0 "and takes ${ms} ms, within the bound of 1000 ms (unconfined: ${ctl} ms)"
is "$(with big "$X" run "$B/big" | tail -n 1)" OK \
	"a 4 GiB program that is not a copy runs (unconfined: $(unconfined "$X" run "$B/big" | tail -n 1))"
refused_with big "a sparse 4 GiB copy of a denied program is refused" EPERM "$X" run "$B/copy"
t0=$(date +%s%N)
with big "$X" run "$B/copy" >/dev/null
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 5000 ]
is "$?" 0 "the whole run, policy load and refusal included, takes ${ms} ms (bound 5000 ms)"

# The exec identity check: every file the kernel loads is identified like
# the one named, by content where the policy has content identities
refused_with ident "#! script whose interpreter is an exact copy of a denied shell" EPERM \
	"$X" run "$W/s1.sh"
refused_with ident "... one #! further (a script as the interpreter)" EPERM "$X" run "$W/s2.sh"
refused_with ident "an ELF whose PT_INTERP is a copy of a denied loader build" EPERM \
	"$X" run "$W/crafted"
works_ctl "an ELF with a loader of its own (a copy of the system's) runs" \
	sh -c "cd $R && exec $X run ./g -q . /etc/hostname"
is "$(with ident "$R/swap.sh" | tail -n 1)" 0 \
	"its loader swapped for a denied copy by another process: never runs (unconfined: $(unconfined "$R/swap.sh" | tail -n 1) of 100)"
# the hash cache trusted (dev, ino, size, ctime): a memfd rewritten through
# a shared mapping keeps its ctime
refused_with ident "a memfd rewritten through a shared mapping into a denied copy" EPERM \
	"$X" memfd-remap "$W/atrue" "$W/dtrue"
# W^X covers what has no name, and libraries the loader maps before main()
refused_with wx "W^X: a memfd copy of an allowed program" EPERM "$X" memfd /usr/bin/true
lib=/usr/lib/x86_64-linux-gnu/libdl.so.2
refused_with wx "W^X: LD_PRELOAD of a library written during the run" EPERM \
	sh -c "cp $lib $W/pre.so && exec $X env-run LD_PRELOAD=$W/pre.so /usr/bin/true"
refused_with wx "W^X: LD_AUDIT of a library written during the run" EPERM \
	sh -c "cp $lib $W/aud.so && exec $X env-run LD_AUDIT=$W/aud.so /usr/bin/true"
refused_with wx "W^X: LD_PRELOAD swapped into the environment by a thread during the check" OK \
	sh -c "cp $lib $W/race.so && exec $X envrace $W/race.so 100"
# a denied argv longer than the part the kernel matches, swapped by a thread
pad=$(printf './%.0s' $(seq 520))
with argv "$W/exec_agent" argvrace /usr/bin/touch "${pad}ok" "${pad}forbidden" 100 >/dev/null
[ ! -e "$W/forbidden" ]
is "$?" 0 "an argv rule beyond the first 1 KiB, argv swapped by a thread: never runs"
unconfined "$W/exec_agent" argvrace /usr/bin/touch "${pad}ok" "${pad}forbidden" 10 >/dev/null
[ -e "$W/forbidden" ]
is "$?" 0 "(unconfined, the same command runs)"
rm -f "$W/forbidden" "$W/ok"
works_ctl "a #! script run by an allowed shell still works" sh -c "printf '#!/bin/sh\nexit 0\n' >$W/ok.sh && chmod 755 $W/ok.sh && exec $X run $W/ok.sh"
