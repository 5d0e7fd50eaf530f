# SPDX-License-Identifier: GPL-2.0-only
#
# report.awk: turns the TAP that the guest's /init framed with marker lines
# (see tests/vm/init) into flat TAP for prove on the host. Each guest result
# is re-emitted as "ok - SLOT: TEST: description", its directives (# SKIP,
# # TODO) kept; other lines become "# " diagnostics. Every stream gets one
# more result that checks its exit status and plan, so a test that crashed,
# hung or printed fewer results than it planned fails here; a guest that
# died before the end of the suite fails too.
#
# Variables: p (the prefix, "SLOT: "), qrc (qemu's exit status), wall
# (seconds the boot took on the host).

function finish(rc,    ok, what) {
	if (plan == 0) {
		print "ok - " p name " # SKIP " (skipall == "" ? "no reason given" : skipall)
		return
	}
	what = (rc > 128 ? "killed by signal " rc - 128 : "exit status " rc) ", " \
		(plan < 0 ? "no plan" : "plan 1.." plan) ", " tests " results"
	ok = rc == 0 && plan == tests && !bail
	print (ok ? "ok" : "not ok") " - " p name ": finished (" what ")"
}

/^SEVORIX-VM-SUITE-BEGIN / {
	began = 1
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		v[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	up0 = v["uptime"]
	ok = ("," v["lsm"] ",") ~ /,bpf,/
	print (ok ? "ok" : "not ok") " - " p "booted " v["release"] \
		" with bpf among the active LSMs (" v["lsm"] ")"
	next
}
/^SEVORIX-VM-TEST-BEGIN / {
	name = $2; intest = 1; tests = 0; plan = -1; bail = 0; skipall = ""
	next
}
/^SEVORIX-VM-TEST-END / {
	rc = $3
	sub(/^rc=/, "", rc)
	finish(rc + 0)
	intest = 0
	next
}
/^SEVORIX-VM-SUITE-END / {
	ended = 1; up1 = $2
	sub(/^uptime=/, "", up1)
	next
}
!intest || /^$/ { next }
/^(not )?ok( |$)/ {
	res = /^ok/ ? "ok" : "not ok"
	rest = $0
	sub(/^(not )?ok */, "", rest)
	sub(/^[0-9]+ */, "", rest)
	sub(/^- */, "", rest)
	print res " - " p name ": " rest
	tests++
	next
}
/^1\.\.[0-9]+/ {
	plan = substr($1, 4) + 0
	if (plan == 0) {
		skipall = $0
		sub(/^1\.\.0 *(# *)?/, "", skipall)
		sub(/^[Ss][Kk][Ii][Pp][^ ]* */, "", skipall)
	}
	next
}
/^Bail out!/ { bail = 1; print "not ok - " p name ": " $0; next }
{ print "# " p name ": " $0 }

END {
	if (intest)
		print "not ok - " p name ": did not finish (guest crashed, hung or timed out)"
	if (!began)
		print "not ok - " p "the guest never started its suite (qemu status " qrc ")"
	else if (!ended)
		print "not ok - " p "the guest did not finish its suite (qemu status " qrc ")"
	else
		print (qrc == 0 ? "ok" : "not ok") " - " p "suite done and powered off (qemu status " \
			qrc "): /init at " up0 " s, suite done at " up1 " s guest uptime, " \
			wall " s wall"
}
