// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix oci-config: the seccomp section to put into a container's OCI
 * config.json so that its runtime hands the container to `sevorix
 * oci-agent`: the hardening denials (as SCMP_ACT_ERRNO rules), and
 * SCMP_ACT_NOTIFY for execve/execveat -- and connect when the policy has
 * network review rules -- with listenerPath set to the agent's socket.
 * --merge writes it into a bundle's config.json in place, so a container
 * gets Sevorix without its image being rebuilt.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "hold/hold.h"
#include "oci/oci.h"
#include "policy/agent.h"
#include "runs/cgroup.h"
#include "seccomp/hardening.h"
#include "util/log.h"
#include "util/opts.h"

static json_object *names(const char *const *list)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; list[i]; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	return a;
}

static json_object *rule(json_object *syscalls, const char *action, int err)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "names", syscalls);
	json_object_object_add(r, "action", json_object_new_string(action));
	if (err)
		json_object_object_add(r, "errnoRet", json_object_new_int(err));
	return r;
}

/* The seccomp section for policy p. */
static json_object *seccomp_section(const struct policy *p, const char *socket)
{
	static const char *const execs[] = { "execve", "execveat", NULL };
	static const char *const conn[] = { "connect", NULL };
	json_object *s = json_object_new_object(), *rules = json_object_new_array();
	const char *name;
	unsigned int relax;
	int err;

	json_object_object_add(s, "defaultAction", json_object_new_string("SCMP_ACT_ALLOW"));
	json_object_object_add(s, "architectures", names((const char *const[]){ "SCMP_ARCH_X86_64", NULL }));
	json_object_object_add(s, "listenerPath", json_object_new_string(socket));
	json_object_array_add(rules, rule(names(execs), "SCMP_ACT_NOTIFY", 0));
	if (hold_traps_connect(p))
		json_object_array_add(rules, rule(names(conn), "SCMP_ACT_NOTIFY", 0));
	for (size_t i = 0; (name = hardening_plain_name(i, &relax, &err)); i++) {
		const char *one[] = { name, NULL };

		if (!(relax & p->hardening_allow))
			json_object_array_add(rules, rule(names(one), "SCMP_ACT_ERRNO", err));
	}
	json_object_object_add(s, "syscalls", rules);
	return s;
}

static int merge(const char *config, json_object *sec)
{
	json_object *c = json_object_from_file(config), *linux_;

	if (!c || !json_object_is_type(c, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(c, "linux", &linux_)) {
		linux_ = json_object_new_object();
		json_object_object_add(c, "linux", linux_);
	}
	json_object_object_add(linux_, "seccomp", json_object_get(sec));
	if (json_object_to_file_ext(config, c, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) < 0) {
		json_object_put(c);
		return -EIO;
	}
	json_object_put(c);
	return 0;
}

static void oci_config_usage(FILE *f)
{
	fputs("Usage: sevorix oci-config [--socket PATH] [--policy FILE] [--merge CONFIG.json]\n", f);
}

struct oci_config_args {
	const char *socket, *into;
};

static int oci_config_opt(int c, const char *arg, void *ctx)
{
	struct oci_config_args *a = ctx;

	if (c == 's')
		a->socket = arg;
	else
		a->into = arg;
	return 0;
}

int cmd_oci_config(int argc, char **argv)
{
	static const struct option own[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "merge", required_argument, NULL, 'm' },
		{ 0 },
	};
	struct oci_config_args a = { OCI_SOCKET_DEFAULT, NULL };
	struct opts_cmd cmd = { .shared = OPT_POLICY, .letters = "s:m:", .own = own,
				.fn = oci_config_opt, .ctx = &a, .usage = oci_config_usage };
	struct opts o = { .policy = POLICY_FILE_DEFAULT };
	struct policy_diag d = { 0 };
	struct policy *p = NULL;
	json_object *sec;
	int r;

	log_init("sevorix oci-config");
	r = opts_parse(&cmd, argc, argv, &o);
	if (r >= 0)
		return r;
	r = policy_load_as(o.policy, NULL, &p, &d);
	if (r < 0)
		policy_diag_print(&d, stderr);
	policy_diag_clear(&d);
	if (r < 0) {
		log_error("%s: cannot load the policy", o.policy);
		return 1;
	}
	sec = seccomp_section(p, a.socket);
	if (a.into)
		r = merge(a.into, sec);
	else
		puts(json_object_to_json_string_ext(sec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (r < 0)
		log_error("%s: %s", a.into, strerror(-r));
	json_object_put(sec);
	policy_free(p);
	return r < 0;
}

int oci_cgroup_of(int pid, char *buf, size_t len)
{
	char mnt[4096];
	int r = cgroup_of_pid(pid, buf, len);

	if (!r && (cgroup_mount(mnt, sizeof(mnt)) < 0 || !strcmp(buf, mnt)))
		r = -ENOENT; /* the root cgroup is never a container's: refused */
	return r;
}
