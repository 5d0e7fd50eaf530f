/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix pending | approve ID | deny ID`: a person's side of the human
 * juror (human.h), over the jury's socket (docs/review-api.md: GET
 * /v1/pending, POST /v1/pending/ID). Anyone the jury serves may answer
 * (root, the jury's user, the sevorix group); the jury refuses an
 * approval from the agent's own uid, so an agent that can reach the
 * socket still cannot approve itself.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jury/jury_cmd.h"
#include "review/client.h"
#include "sevorix/policy.h"
#include "util/log.h"

#define PENDING_TIMEOUT_MS 5000

static void usage(FILE *f)
{
	fputs("usage: sevorix pending [--socket PATH] [--run ID] [--json]\n"
	      "       sevorix approve ID [--always] [--pattern GLOB] [--socket PATH]\n"
	      "       sevorix deny ID [--socket PATH]\n",
	      f);
}

/* Prints the reviews waiting for a person, one per line. */
static int print_pending(const char *body)
{
	json_object *o = json_tokener_parse(body), *arr, *e, *f;
	size_t n;

	if (!o || !json_object_object_get_ex(o, "pending", &arr)) {
		json_object_put(o);
		return -EBADMSG;
	}
	n = json_object_array_length(arr);
	if (!n)
		printf("no review is waiting for a person\n");
	for (size_t i = 0; i < n; i++) {
		const char *id = "?", *run = "-", *action = "?";
		long left = 0, uid = -1;

		e = json_object_array_get_idx(arr, i);
		if (json_object_object_get_ex(e, "id", &f))
			id = json_object_get_string(f);
		if (json_object_object_get_ex(e, "run", &f))
			run = json_object_get_string(f);
		if (json_object_object_get_ex(e, "action", &f))
			action = json_object_get_string(f);
		if (json_object_object_get_ex(e, "left_ms", &f))
			left = (long)json_object_get_int64(f);
		if (json_object_object_get_ex(e, "agent_uid", &f))
			uid = (long)json_object_get_int64(f);
		printf("%s  run %s  uid %ld  %lds left:%s\n", id, run, uid, left / 1000, action);
	}
	json_object_put(o);
	return 0;
}

static int do_list(const char *sock, const char *run, bool json)
{
	char target[320], *body = NULL;
	int status, ret;

	snprintf(target, sizeof(target), "/v1/pending%s%s", run ? "?run=" : "", run ? run : "");
	ret = review_call(sock, "GET", target, NULL, PENDING_TIMEOUT_MS, &status, &body);
	if (!ret && status != 200)
		ret = -EPROTO;
	if (!ret && json)
		printf("%s\n", body);
	else if (!ret)
		ret = print_pending(body);
	if (ret)
		log_error("%s: %s%s%s", sock, strerror(-ret), body ? ": " : "", body ? body : "");
	free(body);
	return ret ? 1 : 0;
}

static int do_answer(const char *sock, const char *id, bool allow, bool always, const char *pattern)
{
	json_object *o = json_object_new_object();
	struct passwd *pw = getpwuid(getuid());
	char target[96], *body = NULL;
	int status = 0, ret = -ENOMEM;

	if (o) {
		json_object_object_add(o, "verdict",
				       json_object_new_string(allow ? "allow" : "deny"));
		json_object_object_add(o, "always", json_object_new_boolean(always));
		if (pattern)
			json_object_object_add(o, "pattern", json_object_new_string(pattern));
		if (pw)
			json_object_object_add(o, "by", json_object_new_string(pw->pw_name));
		snprintf(target, sizeof(target), "/v1/pending/%.64s", id);
		ret = review_call(sock, "POST", target, json_object_to_json_string(o),
				  PENDING_TIMEOUT_MS, &status, &body);
	}
	json_object_put(o);
	if (!ret && status == 200)
		printf("%s: %s%s\n", id, allow ? "allowed" : "denied",
		       always ? " for the rest of its run" : "");
	else if (!ret)
		log_error("%s: HTTP %d: %s", id, status, body);
	else
		log_error("%s: %s", sock, strerror(-ret));
	free(body);
	return !ret && status == 200 ? 0 : 1;
}

int jury_pending_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "run", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "always", no_argument, NULL, 'a' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0], *sock = POLICY_JURY_DEFAULT, *run = NULL, *pattern = NULL;
	bool json = false, always = false;
	int c;

	log_init("sevorix");
	while ((c = getopt_long(argc, argv, "s:r:jap:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'r':
			run = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'a':
			always = true;
			break;
		case 'p':
			pattern = optarg;
			always = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!strcmp(cmd, "pending") && optind == argc)
		return do_list(sock, run, json);
	if ((!strcmp(cmd, "approve") || !strcmp(cmd, "deny")) && optind + 1 == argc &&
	    !(cmd[0] == 'd' && always))
		return do_answer(sock, argv[optind], cmd[0] == 'a', always, pattern);
	usage(stderr);
	return 2;
}
