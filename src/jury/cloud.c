/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cloud judge and its circuit breaker (cloud.h).
 *
 * The breaker state is three numbers under a mutex: consecutive failures,
 * the time the breaker opened, and whether a half-open probe is in flight.
 * Only one review at a time probes a half-open cloud; the others go
 * straight to the local jurors, so a cloud that is still down costs at most
 * one review its deadline per cool-down.
 */
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jury/cloud.h"
#include "jury/models/http_client.h"

struct jury_cloud {
	char *url;
	int deadline_ms;
	int max_failures;
	int64_t cooldown_us;
	pthread_mutex_t lock;
	int failures;
	bool open;
	bool probing;
	int64_t opened_us;
};

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int jury_cloud_new(const struct jury_config *cfg, struct jury_cloud **ret)
{
	struct jury_cloud *c = calloc(1, sizeof(*c));

	*ret = NULL;
	if (!c || !(c->url = strdup(cfg->cloud_url))) {
		free(c);
		return -ENOMEM;
	}
	c->deadline_ms = cfg->cloud_deadline_ms;
	c->max_failures = cfg->cloud_failures;
	c->cooldown_us = cfg->cloud_cooldown_ms * 1000LL;
	pthread_mutex_init(&c->lock, NULL);
	*ret = c;
	return 0;
}

void jury_cloud_free(struct jury_cloud *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->url);
	free(c);
}

/* May this review ask the cloud? Sets *probe for a half-open probe. */
static bool breaker_admit(struct jury_cloud *c, bool *probe)
{
	bool ok = true;

	*probe = false;
	pthread_mutex_lock(&c->lock);
	if (c->open) {
		ok = !c->probing && mono_us() - c->opened_us >= c->cooldown_us;
		if (ok)
			c->probing = *probe = true;
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

static void breaker_report(struct jury_cloud *c, bool probe, bool success)
{
	pthread_mutex_lock(&c->lock);
	if (probe)
		c->probing = false;
	if (success) {
		c->failures = 0;
		c->open = false;
	} else if (probe || ++c->failures >= c->max_failures) {
		c->open = true;
		c->opened_us = mono_us();
	}
	pthread_mutex_unlock(&c->lock);
}

/* The cloud's answer into ans: one vote named "cloud". -EIO when it is not
 * a review answer (then the local jurors decide: fail over, never open). */
static int cloud_answer(const char *body, struct jury_answer *ans)
{
	json_object *o = json_tokener_parse(body), *f;
	const char *verdict, *reason = "";
	int ret = -EIO;

	if (!o || !json_object_object_get_ex(o, "verdict", &f) ||
	    !json_object_is_type(f, json_type_string))
		goto out;
	verdict = json_object_get_string(f);
	if (strcmp(verdict, "allow") && strcmp(verdict, "deny"))
		goto out;
	if (json_object_object_get_ex(o, "reason", &f) && json_object_is_type(f, json_type_string))
		reason = json_object_get_string(f);
	ans->verdict = strcmp(verdict, "allow") ? VOTE_DENY : VOTE_ALLOW;
	snprintf(ans->reason, sizeof(ans->reason), "cloud: %s", reason);
	snprintf(ans->consensus, sizeof(ans->consensus), "cloud");
	ans->nvotes = 1;
	ans->votes[0].juror = "cloud";
	ans->votes[0].latency_us = 0;
	vote_set(&ans->votes[0].v, ans->verdict, 1, "%s", reason);
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

int jury_cloud_review(struct jury_cloud *c, const char *raw, size_t rawlen, struct jury_answer *ans,
		      const char **state)
{
	int64_t t0 = mono_us();
	char *resp = NULL;
	long status = 0;
	bool probe;
	int ret;

	if (!breaker_admit(c, &probe)) {
		*state = "open";
		return -EAGAIN;
	}
	ret = http_client_post(c->url, "/v1/review", raw, rawlen, c->deadline_ms, &resp, &status);
	if (!ret && status != 200)
		ret = -EIO;
	if (!ret)
		ret = cloud_answer(resp, ans);
	if (!ret)
		ans->votes[0].latency_us = mono_us() - t0;
	free(resp);
	breaker_report(c, probe, ret == 0);
	*state = !ret ? "ok" : ret == -ETIMEDOUT ? "timeout" : "error";
	return ret == -ETIMEDOUT ? ret : ret ? -EIO : 0;
}

const char *jury_cloud_breaker(struct jury_cloud *c)
{
	const char *state;

	pthread_mutex_lock(&c->lock);
	state = !c->open						   ? "closed"
		: c->probing || mono_us() - c->opened_us >= c->cooldown_us ? "half-open"
									   : "open";
	pthread_mutex_unlock(&c->lock);
	return state;
}
