// SPDX-License-Identifier: GPL-2.0-only
/*
 * The answering threads. One of them, the receiver, waits for a trapped
 * call, decides it and waits for the next: in the usual case nothing else
 * runs, so a call costs one wake-up. Decisions read no file contents (a
 * file that must be hashed goes to a hashing thread: ident.c) and never
 * wait for the jury (a worker asks it: review.c), so they take tens of
 * microseconds; but one can still block (the agent's memory swapped out,
 * a path on a hung network filesystem). So one of the HOLD_THREADS - 1
 * others, the watcher, wakes every HOLD_STUCK_MS, and when the receiver
 * has spent longer than that on one call, it becomes the receiver in its
 * place and another waiting thread becomes the watcher (the rest sleep
 * until then: one timed wake-up, not one per thread); the slow one
 * becomes a waiting thread when it is done. A call therefore waits at most
 * HOLD_STUCK_MS (plus a wake-up) for each call before it that blocks, up
 * to HOLD_THREADS - 1 of them at once, and otherwise only for the
 * decisions of the calls received before it.
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
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "hold/internal.h"

bool hold_still_valid(const struct trapped *t)
{
	uint64_t id = t->id;

	return ioctl(t->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/*
 * One process_vm_readv() instead of opening, reading and closing
 * /proc/PID/mem: a piece per page, so that the kernel stops at the first
 * page that cannot be read and returns what came before it. It reads as
 * the agent's own system call would (no FOLL_FORCE): a page the agent
 * made unreadable fails here as it would fail execve's own copy.
 */
ssize_t hold_mem_read(const struct trapped *t, void *buf, size_t len, uint64_t addr)
{
	struct iovec local = { buf, len }, remote[HOLD_MEM_PAGES];
	unsigned long n = 0;
	ssize_t got;

	for (uint64_t at = addr, end = addr + len; at < end; n++) {
		uint64_t next = (at | 4095) + 1;

		if (n == HOLD_MEM_PAGES || next < at)
			return -EINVAL; /* longer than this reader reads, or wraps */
		remote[n] = (struct iovec){ (void *)(uintptr_t)at, (next < end ? next : end) - at };
		at = next;
	}
	got = process_vm_readv(t->pid, &local, 1, remote, n, 0);
	return got < 0 ? -errno : got;
}

/*
 * No validity check before the answer: SEND looks the id up under the
 * filter's lock and fails with ENOENT when the call is gone (its task
 * killed, or a signal made it restart with a new id), so a CONTINUE can
 * only reach the very call that was decided; a check just before it
 * would race with the same events and add nothing. The check that
 * matters is the one made after the agent's memory is read (exec.c).
 */
void hold_respond(struct hold *h, const struct trapped *t, int r)
{
	struct seccomp_notif_resp resp = { .id = t->id };

	if (r == 0)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = r < 0 ? r : -EPERM; /* fail closed: anything but 0 refuses the call */
	/* the task may have died meanwhile: ENOENT is expected then */
	ioctl(h->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void answer(struct hold *h, const struct seccomp_notif *req)
{
	struct trapped t = { .pid = req->pid, .id = req->id, .listener = h->listener,
			     .proc = -1, .root = -1 };
	int nr = req->data.nr, r = -EPERM; /* fail closed: what is not judged allowed fails */

	/* the deciders check the call is still valid once they have read its
	 * memory: the view opened here is then the trapped task's too */
	if (hold_view_open(h, &t) == 0) {
		if (nr == __NR_execve || nr == __NR_execveat)
			r = hold_decide_exec(h, &t, &req->data);
		else if (nr == __NR_connect)
			r = hold_decide_connect(h, &t, &req->data);
	}
	hold_view_close(&t);
	if (r != HOLD_HELD)
		hold_respond(h, &t, r);
}

/*
 * Waits for one call (only the receiver does): 1 when req holds one, 0 to
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
	/* only the receiver receives, so a call polled is still there unless its
	 * task died (ENOENT) */
	return ioctl(h->listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Waits until thread me is the receiver; false when the threads must end. */
static bool become_receiver(struct hold *h, int me)
{
	bool ended;

	pthread_mutex_lock(&h->role_lock);
	while (!h->ended && h->receiver != me) {
		struct timespec until;

		if (h->receiver < 0 || (h->busy && ms_since(&h->busy_since) >= HOLD_STUCK_MS)) {
			h->receiver = me; /* none, or stuck on one call: take its place */
			h->busy = false;
			if (h->watcher == me) { /* a sleeping thread watches in its place */
				h->watcher = -1;
				pthread_cond_broadcast(&h->role_cond);
			}
			break;
		}
		if (h->watcher < 0)
			h->watcher = me;
		if (h->watcher != me) { /* until the watcher becomes the receiver */
			pthread_cond_wait(&h->role_cond, &h->role_lock);
			continue;
		}
		/* when the receiver is deciding: until it has for HOLD_STUCK_MS */
		if (h->busy)
			until = h->busy_since;
		else
			clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += HOLD_STUCK_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&h->role_cond, &h->role_lock, &until);
	}
	ended = h->ended;
	pthread_mutex_unlock(&h->role_lock);
	return !ended;
}

/* The receiver starts (busy) or ends deciding a call. */
static void deciding(struct hold *h, int me, bool busy)
{
	pthread_mutex_lock(&h->role_lock);
	if (h->receiver == me) { /* else another took over: this one waits next */
		h->busy = busy;
		if (busy)
			clock_gettime(CLOCK_MONOTONIC, &h->busy_since);
	}
	pthread_mutex_unlock(&h->role_lock);
}

static void end_all(struct hold *h)
{
	pthread_mutex_lock(&h->role_lock);
	h->ended = true;
	pthread_cond_broadcast(&h->role_cond);
	pthread_mutex_unlock(&h->role_lock);
}

void *hold_loop(void *arg)
{
	struct hold_thread *th = arg;
	struct hold *h = th->h;
	struct seccomp_notif_sizes sz = { 0 };
	struct seccomp_notif *req = NULL;
	size_t size = sizeof(*req);
	int got = 0;

	pthread_setname_np(pthread_self(), "sx-hold"); /* bench/hold_bench.sh finds them so */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 && sz.seccomp_notif > size)
		size = sz.seccomp_notif;
	req = calloc(1, size);
	if (!req)
		return NULL; /* the others answer (hold_start_fd) */
	while (got >= 0 && become_receiver(h, th->index)) {
		got = receive(h, req, size);
		if (got > 0) {
			deciding(h, th->index, true);
			answer(h, req);
			deciding(h, th->index, false);
		}
	}
	end_all(h);
	free(req);
	return NULL;
}
