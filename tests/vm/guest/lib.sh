# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by the guest tests that start `sevorix run` (busybox sh): the
# binary, TAP's "t COND DESCRIPTION", and the agent's user. Not a test
# itself: /init runs only the executables at the top of /suite.

S=/suite/bin/sevorix
n=0
t() { # t COND DESCRIPTION
	n=$((n + 1))
	if eval "$1"; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# guest_run_ready PLAN [EXE...]: the plan, or a skip when the suite lacks
# sevorix or one of the EXEs; then user nobody and a root nobody may enter
guest_run_ready() {
	local plan=$1 x
	shift
	for x in $S "$@"; do
		if ! [ -x "$x" ]; then
			echo "1..0 # SKIP no $x in the suite (make vm-suite)"
			exit 0
		fi
	done
	echo "1..$plan"
	grep -q '^nobody:' /etc/passwd 2>/dev/null || {
		echo 'root:x:0:0:root:/root:/bin/sh' >>/etc/passwd
		echo 'nobody:x:65534:65534:nobody:/tmp/runh:/bin/sh' >>/etc/passwd
		echo 'root:x:0:' >>/etc/group
		echo 'nogroup:x:65534:' >>/etc/group
	}
	chmod 755 / # the initramfs root comes from a mktemp -d folder (0700): let nobody in
}
