// SPDX-License-Identifier: GPL-2.0-only
/*
 * The supervisor's pty (pty.h): a relay between the user's terminal and
 * the agent's pseudo-terminal, and the prompt of the human juror on the
 * user's side of it.
 *
 * One thread polls stdin and the pty's master. Bytes from stdin go to the
 * agent, bytes from the agent to stdout; the window size follows the
 * user's terminal. Every PTY_POLL_MS it asks the jury which reviews of
 * this run wait for a person. When one does, the agent's output is left
 * in the pty (it blocks when the pty is full, as on a slow terminal), the
 * question is written to the user's terminal and the next y, n or a key
 * is the answer; Ctrl-C answers no. A review that leaves the list
 * unanswered was decided by its deadline (a deny). The answer is sent as
 * the supervisor's, so the jury, which refuses the agent's own uid, takes
 * it. Errors reaching the jury are not fatal: the review then waits for
 * another person or for its deadline (fail closed: a deny).
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "review/client.h"
#include "run/pty.h"

#define PTY_POLL_MS 250
#define PTY_JURY_TIMEOUT_MS 1000

struct run_pty {
	int master, slave, stop;
	bool raw; /* stdin was put in raw mode */
	struct termios saved;
	pthread_t thread;
	bool running;
	char run[256];
	char jury[4096];
	char asked[64][32]; /* ids already put to the person */
	unsigned nasked;
};

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

int run_pty_open(struct run_pty **ret)
{
	struct run_pty *p = calloc(1, sizeof(*p));
	char name[128];

	*ret = NULL;
	if (!p)
		return -ENOMEM;
	p->slave = p->stop = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master) ||
	    ptsname_r(p->master, name, sizeof(name)) ||
	    (p->slave = open(name, O_RDWR | O_NOCTTY)) < 0 ||
	    (p->stop = eventfd(0, EFD_CLOEXEC)) < 0) {
		int e = -errno;

		run_pty_close(p);
		return e;
	}
	copy_winsize(STDIN_FILENO, p->master);
	fcntl(p->master, F_SETFL, O_NONBLOCK);
	*ret = p;
	return 0;
}

int run_pty_slave(const struct run_pty *p)
{
	return p ? p->slave : -1;
}

static void write_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		b += w;
		n -= (size_t)w;
	}
}

static void say(const char *fmt, const char *a, const char *b)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), fmt, a, b);

	if (n > 0)
		write_all(STDOUT_FILENO, line,
			  (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* The first review of this run waiting for a person and not yet asked, into id/action. */
static bool next_pending(struct run_pty *p, char *id, size_t idlen, char *action, size_t alen)
{
	char target[320], *body = NULL;
	json_object *o = NULL, *arr, *e, *f;
	bool found = false;
	int status;

	snprintf(target, sizeof(target), "/v1/pending?run=%s", p->run);
	if (review_call(p->jury, "GET", target, NULL, PTY_JURY_TIMEOUT_MS, &status, &body) ||
	    status != 200 || !(o = json_tokener_parse(body)) ||
	    !json_object_object_get_ex(o, "pending", &arr))
		goto out;
	for (size_t i = 0; !found && i < json_object_array_length(arr); i++) {
		bool seen = false;

		e = json_object_array_get_idx(arr, i);
		if (!json_object_object_get_ex(e, "id", &f))
			continue;
		snprintf(id, idlen, "%s", json_object_get_string(f));
		for (unsigned k = 0; k < p->nasked && k < 64; k++)
			seen |= !strcmp(p->asked[k], id);
		if (seen)
			continue;
		found = true;
		snprintf(action, alen, "%s",
			 json_object_object_get_ex(e, "action", &f) ? json_object_get_string(f) :
								      "?");
		snprintf(p->asked[p->nasked++ % 64], sizeof(p->asked[0]), "%s", id);
	}
out:
	json_object_put(o);
	free(body);
	return found;
}

/* Sends the person's answer. Returns 0 or -errno / -EPROTO. */
static int answer(struct run_pty *p, const char *id, bool allow, bool always)
{
	const char *who = getenv("SUDO_USER");
	char target[64], body[256], *resp = NULL;
	int status = 0, e;

	snprintf(target, sizeof(target), "/v1/pending/%.32s", id);
	snprintf(body, sizeof(body),
		 "{\"verdict\":\"%s\",\"always\":%s,\"by\":\"%.64s at the run's terminal\"}",
		 allow ? "allow" : "deny", always ? "true" : "false",
		 who && !strpbrk(who, "\"\\") ? who : "the person");
	e = review_call(p->jury, "POST", target, body, PTY_JURY_TIMEOUT_MS, &status, &resp);
	free(resp);
	return e ? e : status == 200 ? 0 : -EPROTO;
}

/* Asks the person about one review; reads keys until y, n, a or Ctrl-C (no). */
static void ask(struct run_pty *p, const char *id, const char *action)
{
	char key;
	int e;

	say("\r\n[sevorix] the agent wants to run:%s%s\r\n", action, "");
	say("[sevorix] allow? [y]es, [n]o, [a]lways for this run (review %s%s): ", id, "");
	for (;;) {
		struct pollfd w[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
				       { .fd = p->stop, .events = POLLIN } };

		if (poll(w, 2, -1) < 0 && errno != EINTR)
			return;
		if (w[1].revents)
			return;
		if (read(STDIN_FILENO, &key, 1) != 1)
			return;
		if (strchr("yYnNaA\003", key))
			break;
	}
	e = answer(p, id, key == 'y' || key == 'Y' || key == 'a' || key == 'A',
		   key == 'a' || key == 'A');
	say("%s%s\r\n",
	    key == 'a' || key == 'A' ? "always" :
	    key == 'y' || key == 'Y' ? "yes" :
				       "no",
	    e ? " (the jury did not take it: it decides by its deadline)" : "");
}

/* Moves what is readable on from to to: 1 moved, 0 nothing now, -1 closed. */
static int relay(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1; /* EIO on the master: every slave side is closed */
	write_all(to, buf, (size_t)n);
	return 1;
}

static void *pty_main(void *arg)
{
	struct run_pty *p = arg;
	char id[32], action[700];
	bool in = true, out = true;

	for (;;) {
		struct pollfd w[3] = { { .fd = out ? p->master : -1, .events = POLLIN },
				       { .fd = in ? STDIN_FILENO : -1, .events = POLLIN },
				       { .fd = p->stop, .events = POLLIN } };

		if (poll(w, 3, PTY_POLL_MS) < 0 && errno != EINTR)
			break;
		if (w[2].revents) {
			while (out && relay(p->master, STDOUT_FILENO) > 0)
				; /* what the agent wrote last */
			break;
		}
		if (w[0].revents && relay(p->master, STDOUT_FILENO) < 0)
			out = false;
		/* the user's side closed: the agent sees no more input */
		if (w[1].revents && relay(STDIN_FILENO, p->master) < 0)
			in = false;
		copy_winsize(STDIN_FILENO, p->master);
		if (in && next_pending(p, id, sizeof(id), action, sizeof(action)))
			ask(p, id, action);
	}
	return NULL;
}

int run_pty_start(struct run_pty *p, const char *run, const char *jury_sock)
{
	struct termios raw;
	int e;

	close(p->slave);
	p->slave = -1;
	snprintf(p->run, sizeof(p->run), "%s", run);
	snprintf(p->jury, sizeof(p->jury), "%s", jury_sock);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &p->saved) == 0) {
		raw = p->saved;
		cfmakeraw(&raw);
		p->raw = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
	}
	e = pthread_create(&p->thread, NULL, pty_main, p);
	if (e)
		return -e;
	p->running = true;
	return 0;
}

void run_pty_close(struct run_pty *p)
{
	uint64_t one = 1;

	if (!p)
		return;
	if (p->running && write(p->stop, &one, sizeof(one)) == sizeof(one))
		pthread_join(p->thread, NULL);
	if (p->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &p->saved);
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	if (p->stop >= 0)
		close(p->stop);
	free(p);
}
