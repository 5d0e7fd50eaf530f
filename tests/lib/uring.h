/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One io_uring submission, run to its completion on a ring of its own:
 * how the stand-in agents make a call that seccomp never sees
 * (tests/kernel/net_agent.c, tests/escape/route.c).
 */
#ifndef SEVORIX_TEST_URING_H
#define SEVORIX_TEST_URING_H

#include <errno.h>
#include <liburing.h>

/* prep fills the one entry (arg is its own). Returns 0, or -1 with errno (the result's). */
static inline int uring_one(void (*prep)(struct io_uring_sqe *sqe, const void *arg),
			    const void *arg)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int r = io_uring_queue_init(4, &ring, 0);

	if (r < 0) {
		errno = -r;
		return -1;
	}
	sqe = io_uring_get_sqe(&ring);
	if (!sqe) {
		io_uring_queue_exit(&ring);
		errno = EBUSY;
		return -1;
	}
	prep(sqe, arg);
	io_uring_submit(&ring);
	r = io_uring_wait_cqe(&ring, &cqe);
	if (r == 0) {
		r = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

#endif
