/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the supervisor's side of the review API
 * (src/review/client.c): the bytes the jury (an unprivileged process)
 * sends back to a held call are read as the client reads them, from a
 * socket, and the answer taken out of them. The result must be a
 * verdict only when the answer was well formed and said allow or deny;
 * every other outcome is an error, which the hold takes as deny.
 *
 * The reader and the answer parser are static in client.c, so the file is
 * included here rather than linked: it is the code under test.
 */
#include <stdint.h>
#include <sys/socket.h>

#include "../../../src/review/client.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct review_answer ans = { .verdict = VOTE_DENY };
	const char *body = NULL;
	char *buf = NULL;
	size_t blen = 0;
	int sv[2], status = 0, r;

	/* a socket's buffer holds what a test sends at once; bigger ones are cut there */
	if (size > 100000 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	r = read_response(sv[0], mono_ms() + 1000, &buf, &body, &blen, &status);
	if (!r) {
		if (!body || body < buf || blen > REVIEW_MAX_ANSWER)
			abort();
		r = parse_answer(body, blen, &ans);
		if (!r && ans.verdict != VOTE_ALLOW && ans.verdict != VOTE_DENY)
			abort();
		if (!memchr(ans.reason, 0, sizeof(ans.reason)) || !memchr(ans.judge, 0, sizeof(ans.judge)))
			abort();
	}
	free(buf);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
