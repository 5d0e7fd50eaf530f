// SPDX-License-Identifier: GPL-2.0-only
/*
 * The answering thread: receives each trapped call, has it judged, and
 * answers. Calls the rulebook decides are answered here at once; calls
 * that need the jury are handed to a worker (review.c), so that a slow
 * review never holds up the agent's other threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hold/internal.h"

bool hold_still_valid(const struct trapped *t)
{
	uint64_t id = t->id;

	return ioctl(t->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

void hold_respond(struct hold *h, const struct trapped *t, int r)
{
	struct seccomp_notif_resp resp = { .id = t->id };

	if (r == 0 && hold_still_valid(t))
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = r ? r : -EPERM; /* fail closed */
	/* the task may have died meanwhile: ENOENT is expected then */
	ioctl(h->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void answer(struct hold *h, const struct seccomp_notif *req)
{
	struct trapped t = { .pid = req->pid, .id = req->id, .listener = h->listener };
	int nr = req->data.nr, r = -EPERM; /* fail closed: what is not judged allowed fails */
	char mem[64];

	snprintf(mem, sizeof(mem), "/proc/%d/mem", t.pid);
	t.mem = open(mem, O_RDONLY | O_CLOEXEC);
	/* valid after the open: the pid was not recycled before we held its memory */
	if (t.mem >= 0 && hold_still_valid(&t)) {
		if (nr == __NR_execve || nr == __NR_execveat)
			r = hold_decide_exec(h, &t, &req->data);
		else if (nr == __NR_connect)
			r = hold_decide_connect(h, &t, &req->data);
	}
	if (t.mem >= 0)
		close(t.mem);
	if (r != HOLD_HELD)
		hold_respond(h, &t, r);
}

void *hold_loop(void *arg)
{
	struct hold *h = arg;
	struct seccomp_notif_sizes sz = { 0 };
	struct seccomp_notif *req;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return NULL;
	req = calloc(1, sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req));
	for (;;) {
		struct pollfd pfd[2] = { { h->listener, POLLIN, 0 }, { h->stop, POLLIN, 0 } };

		/* hold_free() asks through h->stop: a call received is always answered
		 * first, since the listener may live on in a hold that takes over */
		if (!req || poll(pfd, 2, -1) < 0 || (pfd[0].revents & (POLLHUP | POLLERR)) ||
		    pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		memset(req, 0, sz.seccomp_notif);
		if (ioctl(h->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
			continue; /* EINTR, or the task died before we read it */
		answer(h, req);
	}
	free(req);
	__atomic_store_n(&h->done, true, __ATOMIC_SEQ_CST);
	return NULL;
}
