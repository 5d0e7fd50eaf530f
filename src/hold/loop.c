// SPDX-License-Identifier: GPL-2.0-only
/*
 * The answering threads: HOLD_THREADS of them take turns waiting for a
 * trapped call (one at a time holds recv_lock, polls and receives, then
 * lets the next one wait while it answers), so a call is received as soon
 * as any of them is free. Calls the rulebook decides are answered at once;
 * a file that must be hashed goes to a hashing thread (ident.c) and a call
 * that needs the jury to a worker (review.c), so neither holds up the
 * agent's other calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
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

/*
 * Waits for one call while holding recv_lock: 1 when req holds one, 0 to
 * try again, -1 when the thread must end: stop asked, or the agent gone
 * (then h->done is set).
 */
static int receive(struct hold *h, struct seccomp_notif *req, size_t size)
{
	struct pollfd pfd[2] = { { h->listener, POLLIN, 0 }, { h->stop, POLLIN, 0 } };

	/* hold_free() asks through h->stop, which stays readable for every thread;
	 * a call received is always answered first, since the listener may live
	 * on in a hold that takes over */
	if (poll(pfd, 2, -1) < 0 && errno == EINTR)
		return 0;
	if (pfd[1].revents)
		return -1;
	if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL) || !pfd[0].revents) {
		__atomic_store_n(&h->done, true, __ATOMIC_SEQ_CST);
		return -1;
	}
	if (!(pfd[0].revents & POLLIN))
		return 0;
	memset(req, 0, size);
	/* only the holder of recv_lock receives, so a call polled is still there
	 * unless its task died (ENOENT) */
	return ioctl(h->listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0;
}

void *hold_loop(void *arg)
{
	struct hold *h = arg;
	struct seccomp_notif_sizes sz = { 0 };
	struct seccomp_notif *req = NULL;
	size_t size = sizeof(*req);
	int got = 0;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 && sz.seccomp_notif > size)
		size = sz.seccomp_notif;
	req = calloc(1, size);
	while (req && got >= 0) {
		pthread_mutex_lock(&h->recv_lock);
		got = receive(h, req, size);
		pthread_mutex_unlock(&h->recv_lock);
		if (got > 0)
			answer(h, req);
	}
	free(req);
	return NULL;
}
