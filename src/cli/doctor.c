// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix doctor: what this kernel offers, learned by really loading a
 * tiny program of each kind (a config option says what was built, not
 * what a hypervisor, lockdown or the boot line allow), and what each of
 * the layers K1 to K4 (include/sevorix/abi.h) does. Nothing is attached
 * and nothing outside the probe's own child process is affected.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli/cli.h"
#include "exec/exec.h"
#include "jury/jury_doctor.h"
#include "lsm/lsm.h"
#include "net/net.h"
#include "observe/observe.h"
#include "review/client.h"
#include "runs/cgroup.h"
#include "sevorix/abi.h"
#include "util/log.h"

static int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

/* Installs an allow-all filter with a listener in a throw-away child. */
static int seccomp_notif_probe(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		_exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0 ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ENOTSUP;
}

static void line(const char *what, int r, const char *yes, const char *no)
{
	printf("  %-26s %-4s %s", what, r >= 0 ? "yes" : "no", r >= 0 ? yes : no);
	if (r < 0)
		printf(" (%s)", strerror(-r));
	putchar('\n');
}

/* What each layer does, under the label it has everywhere (enum sx_klayer). */
static void explain_layers(void)
{
	static const struct {
		enum sx_klayer k;
		const char *what;
	} layers[] = {
		{ SX_K1_BPF_LSM, "LSM hooks decide connect, sendmsg, open, links, exec and\n"
				 "executable mappings on the kernel's own copies of the\n"
				 "arguments, and keep the agent off the supervisor" },
		{ SX_K2_CGROUP_BPF, "programs on the run's cgroup decide connect and sendmsg\n"
				    "by address and port, UNIX sockets by path" },
		{ SX_K3_LANDLOCK, "decides read, write and execute by path and TCP connect\n"
				  "by port; keeps signals inside the run" },
		{ SX_K4_SECCOMP, "denies the escape routes no other layer sees (ptrace,\n"
				 "io_uring, namespaces, raw sockets, ...) and holds the\n"
				 "calls the supervisor or the jury must judge" },
	};

	printf("\nThe layers (a run uses every one this kernel offers):\n");
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		const char *what = layers[i].what, *nl;

		printf("  %-16s", sx_klayer_name(layers[i].k));
		while ((nl = strchr(what, '\n'))) {
			printf("%.*s\n  %-16s", (int)(nl - what), what, "");
			what = nl + 1;
		}
		printf("%s\n", what);
	}
}

int cmd_doctor(int argc, char **argv)
{
	char mnt[4096];
	int net, cg, trace, lsm, ll, notif, obs, jury;

	log_init("sevorix doctor");
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: sevorix doctor\n\nProbes which enforcement layers this kernel offers.\n"
		     "Exit 0 when the cgroup network layer works.");
		return 0;
	}
	if (argc > 1) {
		log_error("unexpected argument '%s'", argv[1]);
		return 2;
	}
	cg = cgroup_mount(mnt, sizeof(mnt));
	net = geteuid() == 0 ? netlayer_probe() : -EPERM;
	trace = geteuid() == 0 ? exec_probe() : -EPERM;
	lsm = geteuid() == 0 ? lsm_probe() : -EPERM;
	obs = geteuid() == 0 ? observe_probe() : -EPERM;
	jury = review_health(POLICY_JURY_DEFAULT, 500);
	ll = landlock_abi();
	notif = seccomp_notif_probe();
	printf("Kernel layers:\n");
	line("cgroup v2", cg, cg >= 0 ? mnt : "", "needed for every run");
	line(sx_klayer_name(SX_K1_BPF_LSM), lsm, "LSM hooks available",
	     "kernel refuses LSM programs (boot with lsm=...,bpf)");
	line(sx_klayer_name(SX_K2_CGROUP_BPF), net, "connect/sendmsg enforced in the kernel",
	     "no in-kernel network enforcement");
	printf("  %-26s %-4s ", sx_klayer_name(SX_K3_LANDLOCK), ll > 0 ? "yes" : "no");
	if (ll > 0)
		printf("ABI %d\n", ll);
	else
		printf("(%s)\n", strerror(-ll));
	line(sx_klayer_name(SX_K4_SECCOMP), notif, "held system calls possible (user notification)",
	     "");
	line("tracepoint process events", trace, "exec checks; fork/exec/exit logged",
	     "runs log decisions only");
	line("sys_exit observer", obs,
	     "Landlock and seccomp refusals of file, exec and metadata calls logged",
	     "Landlock and seccomp refusals enforced but not logged");
	line("jury (review rules)", jury, "answers on unix://" POLICY_JURY_DEFAULT,
	     "unix://" POLICY_JURY_DEFAULT " does not answer: reviewed actions will be denied "
	     "until it answers");
	explain_layers();
	jury_doctor(stdout, NULL);
	if (geteuid() != 0)
		printf("\nRun as root to probe the BPF layers.\n");
	printf("\n%s\n", net == 0 && cg >= 0
				 ? "sevorix run can enforce network rules in the kernel on this machine."
				 : "sevorix run cannot enforce on this machine.");
	return net == 0 && cg >= 0 ? 0 : 1;
}
