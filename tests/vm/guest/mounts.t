#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A guest test written as a busybox-sh script: every file system that the
# kernel tests rely on is mounted by /init in each guest kernel.

echo 1..4
n=0
for fs in proc:/proc bpf:/sys/fs/bpf cgroup2:/sys/fs/cgroup securityfs:/sys/kernel/security; do
	n=$((n + 1))
	type=${fs%%:*} dir=${fs#*:}
	if awk -v t="$type" -v d="$dir" '$2 == d && $3 == t { f = 1 } END { exit !f }' /proc/mounts; then
		echo "ok $n - $type is mounted on $dir"
	else
		echo "not ok $n - $type is mounted on $dir"
	fi
done
