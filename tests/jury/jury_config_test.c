/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jury.yaml parsing: a full file read back, each error with the file:line:col
 * of its node; and the request parser's answers to bad requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jury/jury.h"
#include "jury/server/request.h"
#include "../lib/tap.h"

static char path[] = "/tmp/sevorix-jury-config-XXXXXX";

static int load(const char *text, struct jury_config **cfg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	return jury_config_load(path, cfg, err, errlen);
}

static void test_good(void)
{
	struct jury_config *cfg = NULL;
	char err[512];
	int ret;

	ret = load(
		"consensus: quorum:2\ndeadline_ms: 120\ndata_dir: /d\n"
		"cache: {size: 10, ttl_ms: 500}\nserver: {client_timeout_ms: 300, max_clients: 9}\n"
		"cloud: {url: \"http://127.0.0.1:9\", deadline_ms: 40, failures: 2, cooldown_ms: "
		"70}\n"
		"jurors:\n"
		"  - {kind: openai, name: a, endpoint: \"http://x\", weight: 2.5, veto: true}\n"
		"  - kind: ollama\n    endpoint: unix:///s\n    advisory: yes\n    deadline_ms: "
		"50\n"
		"    model: m\n    role: r\n    prompt: p\n",
		&cfg, err, sizeof(err));
	if (!ok(ret == 0, "a full file loads") || !cfg) {
		printf("# %s\n", err);
		return;
	}
	ok(cfg->mode == JURY_QUORUM && cfg->quorum == 2 && cfg->deadline_ms == 120,
	   "consensus and deadline");
	ok(cfg->cache_size == 10 && cfg->cache_ttl_ms == 500 && cfg->client_timeout_ms == 300 &&
		   cfg->max_clients == 9,
	   "cache and server");
	ok(cfg->cloud_url && !strcmp(cfg->cloud_url, "http://127.0.0.1:9") &&
		   cfg->cloud_deadline_ms == 40 && cfg->cloud_failures == 2 &&
		   cfg->cloud_cooldown_ms == 70,
	   "cloud");
	ok(cfg->njurors == 2 && !strcmp(cfg->jurors[0].name, "a") && cfg->jurors[0].veto &&
		   cfg->jurors[0].weight == 2.5,
	   "first juror");
	ok(!strcmp(cfg->jurors[1].name, "ollama") && cfg->jurors[1].advisory &&
		   cfg->jurors[1].deadline_ms == 50 && !strcmp(cfg->jurors[1].data_dir, "/d"),
	   "second juror: name defaults to kind, data_dir is passed on");
	jury_config_free(cfg);
}

static void test_tiered(void)
{
	struct jury_config *cfg;
	char err[512], mode[48];

	ok(!load("consensus: tiered\njurors: [{kind: rulebook}]\n", &cfg, err, sizeof(err)) &&
		   cfg->mode == JURY_TIERED && cfg->threshold == 0 &&
		   !strcmp(jury_mode_name(cfg, mode, sizeof(mode)), "tiered:0"),
	   "consensus: tiered is tiered:0");
	jury_config_free(cfg);
	ok(!load("consensus: tiered:-1.5\njurors: [{kind: rulebook}]\n", &cfg, err, sizeof(err)) &&
		   cfg->mode == JURY_TIERED && cfg->threshold == -1.5 &&
		   !strcmp(jury_mode_name(cfg, mode, sizeof(mode)), "tiered:-1.5"),
	   "consensus: tiered:-1.5 keeps its threshold");
	jury_config_free(cfg);
}

static void test_errors(void)
{
	static const struct {
		const char *text;
		const char *where;
		const char *what;
	} cases[] = {
		{ "jurors:\n  - kind: openai\n    wieght: 2\n",
		  ":3:5: ", "unknown juror key 'wieght'" },
		{ "jurors:\n  - kind: nonesuch\n", ":2:5: ", "unknown juror kind 'nonesuch'" },
		{ "consensus: majority\njurors: []\n", ":1:12: ", "unknown consensus 'majority'" },
		{ "consensus: quorum:0\n", ":1:12: ", "quorum needs a count" },
		{ "consensus: tiered:high\n", ":1:12: ", "tiered needs a threshold" },
		{ "deadline_ms: soon\n", ":1:14: ", "'soon' is not an integer" },
		{ "jurors:\n  - kind: openai\n    endpoint: x\n    weight: -1\n",
		  ":4:13: ", "is not a number" },
		{ "jurors:\n  - kind: openai\n    veto: maybe\n",
		  ":3:11: ", "expected true or false" },
		{ "jurors:\n  - {kind: openai, name: a}\n  - {kind: ollama, name: a}\n",
		  ":3:5: ", "two jurors are named 'a'" },
		{ "colour: blue\n", ":1:1: ", "unknown key 'colour'" },
		{ "jurors: [\n", ":2:1: ", "" },
		{ "cloud: {deadline_ms: 5}\njurors: [{kind: openai}]\n",
		  ":1:8: ", "cloud needs a url" },
		{ "deadline_ms: 5\n", ":1:1: ", "at least one juror" },
	};
	struct jury_config *cfg;
	char err[512], want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = load(cases[i].text, &cfg, err, sizeof(err));

		snprintf(want, sizeof(want), "%s%s", path, cases[i].where);
		if (!ok(ret == -EINVAL && !strncmp(err, want, strlen(want)) &&
				strstr(err, cases[i].what),
			"error %zu names the place: %s%s", i + 1, cases[i].where, cases[i].what))
			printf("#   got: %s\n", err);
		if (!ret)
			jury_config_free(cfg);
	}
	ok(jury_config_load("/nonexistent/jury.yaml", &cfg, err, sizeof(err)) == -ENOENT &&
		   strstr(err, "/nonexistent/jury.yaml"),
	   "a named file that is missing is an error");
}

static void test_requests(void)
{
	static const struct {
		const char *body;
		int ret;
		const char *what;
	} cases[] = {
		{ "{\"kind\":\"exec\",\"path\":\"/bin/ls\",\"argv\":[\"ls\"]}", 0, "" },
		{ "{\"kind\":\"exec\"", -EBADMSG, "unexpected end of input" },
		{ "[1,2]", -EBADMSG, "must be an object" },
		{ "{\"kind\":\"open\",\"path\":\"/x\"} {}", -EBADMSG, "trailing bytes" },
		{ "{\"kind\":\"mount\"}", -EINVAL, "unknown kind 'mount'" },
		{ "{\"path\":\"/x\"}", -EINVAL, "'kind' is required" },
		{ "{\"kind\":\"exec\",\"path\":5}", -EINVAL, "'path' must be a string" },
		{ "{\"kind\":\"exec\",\"path\":\"/a\\u0000b\"}", -EINVAL, "NUL byte" },
		{ "{\"kind\":\"exec\",\"path\":\"/a\",\"argv\":[1]}", -EINVAL, "array of strings" },
		{ "{\"kind\":\"connect\",\"family\":\"inet\",\"addr\":\"1.2.3.4\",\"port\":70000}",
		  -EINVAL, "'port' is out of range" },
		{ "{\"kind\":\"connect\",\"family\":\"ipx\",\"addr\":\"1\"}", -EINVAL, "'family'" },
		{ "{\"kind\":\"open\",\"path\":\"/x\",\"access\":\"chmod\"}", -EINVAL, "'access'" },
	};
	struct review_req rr;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = review_req_parse(cases[i].body, strlen(cases[i].body), &rr, err,
					   sizeof(err));

		if (!ok(ret == cases[i].ret && (ret == 0 || strstr(err, cases[i].what)),
			"request %zu: %s", i + 1, ret ? cases[i].what : "accepted"))
			printf("#   got %d: %s\n", ret, ret ? err : "");
		if (!ret)
			review_req_free(&rr);
	}
}

int main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	test_good();
	test_tiered();
	test_errors();
	test_requests();
	unlink(path);
	return done_testing();
}
