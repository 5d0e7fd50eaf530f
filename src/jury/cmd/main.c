/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix jury serve | ask | config | doctor`: the jury's command line.
 * Options are parsed here and the work is dispatched to the server
 * (server/), the client (ask.c), the configuration printer (config.c) or
 * the doctor (doctor.c); this file is the only part of the jury that logs
 * (util/log.h, as "sevorix jury"), once per failure.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jury/cmd/ask.h"
#include "jury/jury.h"
#include "jury/jury_cmd.h"
#include "jury/jury_doctor.h"
#include "jury/server/priv.h"
#include "jury/server/server.h"
#include "util/log.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: sevorix jury serve [--socket PATH] [--listen HOST:PORT] [--config FILE]"
		   " [--user USER]\n"
		   "       sevorix jury ask [--socket PATH | --local] [--config FILE]\n"
		   "       sevorix jury config [--config FILE]\n"
		   "       sevorix jury doctor [--config FILE]\n");
}

/* Loads the configuration and opens the jury; reports failures. */
static int open_jury(const char *config, struct jury_config **cfg, struct jury **j)
{
	char err[8192] = "", *line, *save = NULL;
	size_t i;
	int ret;

	ret = jury_config_load(config, cfg, err, sizeof(err));
	if (ret) {
		/* one message per error of the file, each naming its place */
		for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			log_error("%s", line);
		if (!err[0])
			log_error("%s", strerror(-ret));
		return ret;
	}
	if (!j)
		return 0;
	ret = jury_open(*cfg, j, err, sizeof(err));
	if (ret) {
		log_error("%s", err);
		jury_config_free(*cfg);
		return ret;
	}
	for (i = 0; i < (*cfg)->njurors; i++)
		if (jury_open_error(*j, i))
			log_warn("juror '%s' is unavailable and votes error: %s",
				 (*cfg)->jurors[i].name, jury_open_error(*j, i));
	return 0;
}

/* Who runs the service and which group is trusted. */
static int serve_ids(const char *user, struct jury_server_opts *o)
{
	struct jury_ids ids;
	struct group *gr;
	int ret;

	if (geteuid() != 0) {
		/* Not root: nothing to drop; trust our own uid and the sevorix
		 * group when it exists, else our own group. */
		o->uid = geteuid();
		gr = getgrnam(user ? user : JURY_USER);
		o->gid = gr ? gr->gr_gid : getegid();
		return 0;
	}
	ret = jury_user_resolve(user ? user : JURY_USER, &ids);
	if (ret) {
		log_error("user '%s': %s", user ? user : JURY_USER,
			  ret == -ENOENT ? "no such user" : strerror(-ret));
		return ret;
	}
	o->uid = ids.uid;
	o->gid = ids.gid;
	o->drop = true;
	return 0;
}

/* Listens, drops privileges, serves until a signal. Frees cfg and j. */
static int serve_run(struct jury_server_opts *so, struct jury_config *cfg, struct jury *j)
{
	struct jury_server *srv = NULL;
	char err[512];
	int ret;

	ret = jury_server_listen(so, &srv, err, sizeof(err));
	if (ret) {
		log_error("%s", err);
		goto out;
	}
	if (so->drop && (ret = jury_drop_privileges(&(struct jury_ids){ so->uid, so->gid }))) {
		log_error("cannot drop privileges: %s", strerror(-ret));
		goto out;
	}
	log_notice("serving%s%s%s%s as uid %d (%s, %zu jurors, %s)",
		 so->socket_path ? " unix://" : "", so->socket_path ? so->socket_path : "",
		 so->listen ? " tcp://" : "", so->listen ? so->listen : "", (int)geteuid(),
		 cfg->path, cfg->njurors, jury_mode_name(cfg, err, sizeof(err)));
	ret = jury_server_run(srv, j);
	if (ret)
		log_error("%s", strerror(-ret));
	else
		log_info("stopped");
	/* Connections still being served keep using the jury and the server:
	 * leave both to the process exit. */
	if (jury_server_busy(srv))
		return ret ? 1 : 0;
out:
	jury_server_free(srv);
	jury_close(j);
	jury_config_free(cfg);
	return ret ? 1 : 0;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct jury_server_opts so = { 0 };
	const char *config = NULL, *user = NULL, *sock = NULL;
	struct jury_config *cfg = NULL;
	struct jury *j = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "s:l:c:u:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'l': so.listen = optarg; break;
		case 'c': config = optarg; break;
		case 'u': user = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* --listen alone serves TCP only; otherwise the UNIX socket is served. */
	so.socket_path = sock ? sock : so.listen ? NULL : JURY_DEFAULT_SOCKET;
	if (open_jury(config, &cfg, &j))
		return 1;
	if (serve_ids(user, &so)) {
		jury_close(j);
		jury_config_free(cfg);
		return 1;
	}
	return serve_run(&so, cfg, j);
}

static int cmd_ask(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "local", no_argument, NULL, 'L' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *config = NULL, *sock = NULL;
	struct jury_config *cfg = NULL;
	struct jury *j = NULL;
	bool local = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:Lc:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'L': local = true; break;
		case 'c': config = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (local && sock) || (!local && config)) {
		log_error("ask: --config goes with --local, --socket without it");
		return 2;
	}
	if (!local) {
		ret = jury_ask_socket(sock ? sock : JURY_DEFAULT_SOCKET, stdin, stdout);
		if (ret == -ECONNREFUSED || ret == -ENOENT)
			log_error("no jury answers on %s", sock ? sock : JURY_DEFAULT_SOCKET);
		else if (ret)
			log_error("ask: %s", strerror(-ret));
		return ret ? 1 : 0;
	}
	if (open_jury(config, &cfg, &j))
		return 1;
	ret = jury_ask_local(j, stdin, stdout);
	if (ret)
		log_error("ask: %s", strerror(-ret));
	jury_close(j);
	jury_config_free(cfg);
	return ret ? 1 : 0;
}

/* `config` and `doctor`: only --config. Returns -1 to go on, else the exit code. */
static int config_only(int argc, char **argv, const char **config)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': *config = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

static int cmd_config(int argc, char **argv)
{
	const char *config = NULL;
	struct jury_config *cfg;
	int ret = config_only(argc, argv, &config);

	if (ret >= 0)
		return ret;
	if (open_jury(config, &cfg, NULL))
		return 1;
	ret = jury_config_print(cfg, stdout);
	jury_config_free(cfg);
	return ret ? 1 : 0;
}

/* Exit 0 when every language-model juror of the jury would work. */
static int cmd_jury_doctor(int argc, char **argv)
{
	const char *config = NULL;
	int ret = config_only(argc, argv, &config);

	if (ret >= 0)
		return ret;
	return jury_doctor(stdout, config) ? 1 : 0;
}

int jury_main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	log_init("sevorix jury");
	if (!sub || !strcmp(sub, "-h") || !strcmp(sub, "--help")) {
		usage(sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	optind = 1;
	if (!strcmp(sub, "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(sub, "ask"))
		return cmd_ask(argc - 1, argv + 1);
	if (!strcmp(sub, "config"))
		return cmd_config(argc - 1, argv + 1);
	if (!strcmp(sub, "doctor"))
		return cmd_jury_doctor(argc - 1, argv + 1);
	log_error("unknown command '%s'", sub);
	usage(stderr);
	return 2;
}
