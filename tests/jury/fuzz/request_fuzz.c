/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the review request parser (src/jury/server/request.c):
 * parse a body, and when it is accepted, build its cache key, copy it with
 * review_dup() (src/review/review.c) and check the copy means the same, and
 * encode an answer carrying its id -- the whole path a request body takes
 * in the server.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jury/server/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jury_answer ans;
	struct review_req rr;
	struct review *copy;
	char err[256], *k1 = NULL, *k2 = NULL, *json = NULL;
	size_t l1, l2, jl;
	int ret;

	if (size > JURY_MAX_BODY)
		return 0;
	ret = review_req_parse((const char *)data, size, &rr, err, sizeof(err));
	if (ret) {
		if ((ret != -EBADMSG && ret != -EINVAL && ret != -ENOMEM) || !err[0])
			abort();
		return 0;
	}
	copy = review_dup(&rr.r);
	if (!copy || review_key(&rr.r, &k1, &l1) || review_key(copy, &k2, &l2))
		abort();
	if (l1 != l2 || memcmp(k1, k2, l1))
		abort();
	ans.id = copy->id;
	snprintf(ans.consensus, sizeof(ans.consensus), "unanimous");
	if (jury_answer_json(&ans, &json, &jl))
		abort();
	free(json);
	free(k1);
	free(k2);
	free(copy);
	review_req_free(&rr);
	return 0;
}
