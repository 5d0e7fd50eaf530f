// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only trees (landlock_mounts.c): which Landlock rules may grant
 * truncate with read because no writable mount is reachable where the
 * rule grants. First on mount tables written here (the run's view as
 * `sevorix run` makes it, plus bind mounts and chains that must undo the
 * answer), then on the real kernel in a mount namespace of this test's
 * own (root only): the mount id and path come from the kernel there.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "landlock/landlock_internal.h"

static struct landlock_mounts t;

/* The view of a run of the default policy (from a real run's mountinfo). */
static const char view[] =
	"48 47 254:0 / / ro,relatime - ext4 /dev/vda rw\n"
	"50 48 0:21 / /proc ro,relatime - proc proc rw\n"
	"64 48 0:6 / /dev ro,relatime - devtmpfs devtmpfs rw\n"
	"71 64 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw\n"
	"76 48 254:0 /var/tmp/ws /var/tmp/ws rw,relatime - ext4 /dev/vda rw\n"
	"77 48 0:42 / /tmp rw,nosuid,nodev,noexec - tmpfs tmpfs rw\n"
	"78 50 0:43 / /proc rw,nosuid,nodev,noexec - proc proc rw\n"
	"80 48 0:44 /.mask//deleted /etc/shadow ro,nosuid - tmpfs tmpfs rw\n"
	"81 48 254:0 /opt/a\\040b /opt/a\\040b ro - ext4 /dev/vda rw\n";

/* Loads view plus extra lines into t; returns landlock_mounts_parse()'s answer. */
static int load(const char *extra)
{
	int n = snprintf(t.buf, sizeof(t.buf), "%s%s", view, extra);

	return landlock_mounts_parse(&t, (size_t)n);
}

static void tables(void)
{
	int n;

	is_int(load(""), 0, "the view's table parses");
	is_int((long long)t.n, 9, "nine mounts");
	ok(landlock_mounts_ro_tree(&t, 48, "/usr"), "/usr: read-only wherever a rule on it reaches");
	ok(landlock_mounts_ro_tree(&t, 48, "/usr/lib/x86_64-linux-gnu"), "a deeper directory too");
	ok(landlock_mounts_ro_tree(&t, 48, "/etc"), "/etc: its mask is read-only");
	ok(!landlock_mounts_ro_tree(&t, 48, "/"), "/: writable mounts hang beneath it");
	ok(!landlock_mounts_ro_tree(&t, 48, "/var"), "/var: the writable workspace hangs beneath it");
	ok(!landlock_mounts_ro_tree(&t, 76, "/var/tmp/ws"), "the workspace: its mount is writable");
	ok(!landlock_mounts_ro_tree(&t, 78, "/proc"), "the run's /proc is writable");
	ok(!landlock_mounts_ro_tree(&t, 48, "/dev"), "/dev: a writable mount on it");
	ok(!landlock_mounts_ro_tree(&t, 99, "/usr"), "a mount that is not listed: no");
	ok(!landlock_mounts_ro_tree(&t, 76, "/usr"), "a path not on its mount: no");
	ok(landlock_mounts_ro_tree(&t, 81, "/opt/a b"), "escaped names are read as names");

	is_int(load("90 48 254:0 /usr/share /srv/share rw - ext4 /dev/vda rw\n"), 0, "+ a bind");
	ok(!landlock_mounts_ro_tree(&t, 48, "/usr"),
	   "/usr: a part of its tree is mounted writable elsewhere");
	ok(!landlock_mounts_ro_tree(&t, 48, "/usr/share/doc"),
	   "a directory inside that writable bind: no");
	ok(landlock_mounts_ro_tree(&t, 48, "/etc"), "/etc is not in that bind");

	is_int(load("91 48 254:0 / /mnt/all rw - ext4 /dev/vda rw\n"), 0, "+ the whole fs");
	ok(!landlock_mounts_ro_tree(&t, 48, "/usr"), "/usr: its inode is on a writable bind of /");

	is_int(load("92 48 254:0 /usr /data rw - tmpfs tmpfs rw\n"), 0, "+ another fs");
	ok(!landlock_mounts_ro_tree(&t, 48, "/usr"), "same numbers are the same filesystem");
	is_int(load("92 48 0:60 /usr /data rw - tmpfs tmpfs rw\n"), 0, "+ another device");
	ok(landlock_mounts_ro_tree(&t, 48, "/usr"), "a root named /usr on another device: yes");

	is_int(load("93 48 0:50 / /usr/local ro - tmpfs tmpfs rw\n"
		    "94 93 0:51 / /usr/local/x rw - tmpfs tmpfs rw\n"),
	       0, "+ a writable mount under a read-only one under /usr");
	ok(!landlock_mounts_ro_tree(&t, 48, "/usr"), "/usr: the chain is followed up");
	ok(landlock_mounts_ro_tree(&t, 48, "/etc"), "/etc: not on that chain");

	is_int(load("95 48 254:0 /var/tmp/ws /usr/lib/ws rw - ext4 /dev/vda rw\n"), 0,
	       "+ a writable bind hung under /usr");
	ok(!landlock_mounts_ro_tree(&t, 48, "/usr"), "/usr: a writable mount hangs beneath it");

	n = snprintf(t.buf, sizeof(t.buf), "48 47 254:0 /sub / ro - ext4 v rw\n"
					   "49 48 254:0 /sub/a /x rw - ext4 v rw\n");
	is_int(landlock_mounts_parse(&t, (size_t)n), 0, "a view whose root is a directory");
	ok(!landlock_mounts_ro_tree(&t, 48, "/"), "/: a writable part of it is mounted at /x");

	memcpy(t.buf, "48 47 254:0 / / ro", 18);
	is_int(landlock_mounts_parse(&t, 18), -EINVAL, "a cut line: not a table");
	memcpy(t.buf, "x y z\n", 6);
	is_int(landlock_mounts_parse(&t, 6), -EINVAL, "not mountinfo: not a table");
}

/* In a mount namespace of its own: a tmpfs with a read-only bind and a writable part. */
static int kernel_child(const char *dir)
{
	char a[64], b[64], sub[80];
	int fa, fb, fail = 0;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("t", dir, "tmpfs", 0, NULL) < 0)
		return 2;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(sub, sizeof(sub), "%s/a/sub", dir);
	if (mkdir(a, 0755) < 0 || mkdir(b, 0755) < 0 || mkdir(sub, 0755) < 0 ||
	    mount(a, a, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, a, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return 2;
	fa = open(a, O_PATH | O_CLOEXEC);
	fb = open(b, O_PATH | O_CLOEXEC);
	if (fa < 0 || fb < 0 || landlock_mounts_load(&t) < 0)
		return 2;
	/* the bind shares the tmpfs with the writable mount above it: no */
	fail |= landlock_mounts_ro_fd(&t, fa) ? 4 : 0;
	fail |= landlock_mounts_ro_fd(&t, fb) ? 8 : 0;
	/* the tmpfs above made read-only too: the bind's tree is read-only */
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0 ||
	    landlock_mounts_load(&t) < 0)
		return 2;
	fail |= landlock_mounts_ro_fd(&t, fa) ? 0 : 16;
	/* a writable tmpfs hung beneath it: no again */
	if (mount("t2", sub, "tmpfs", 0, NULL) < 0 || landlock_mounts_load(&t) < 0)
		return 2;
	fail |= landlock_mounts_ro_fd(&t, fa) ? 32 : 0;
	return fail;
}

static void kernel(void)
{
	char dir[] = "/tmp/sevorix-llmnt.XXXXXX";
	int st = 0;
	pid_t pid;

	if (geteuid() != 0) {
		ok(1, "# SKIP the real mount table needs root (a mount namespace)");
		return;
	}
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0)
		_exit(kernel_child(dir)); /* its mounts go with its namespace */
	waitpid(pid, &st, 0);
	rmdir(dir);
	is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0,
	       "real kernel: writable tmpfs, read-only bind, then a writable mount under it "
	       "(bits: 2 setup, 4/8/16/32 the four answers)");
}

int main(void)
{
	tables();
	kernel();
	return done_testing();
}
