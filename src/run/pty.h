/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix run --pty` (pty.c): the agent gets a pseudo-terminal of the
 * supervisor's instead of the user's terminal, and the supervisor relays
 * between the two, as sudo's use_pty does. The user's terminal stays the
 * supervisor's alone, so it can ask the person there: when a review of
 * this run waits for the human juror (GET /v1/pending?run=RUN on the
 * jury's socket), the relay pauses, the action is shown with "allow?
 * [y]es, [n]o, [a]lways for this run", and the answer goes back to the
 * jury (POST /v1/pending/ID) as the supervisor's (root's), never the
 * agent's. The agent, on the other side of the pty, can neither see the
 * question nor type the answer.
 */
#ifndef SEVORIX_RUN_PTY_H
#define SEVORIX_RUN_PTY_H

struct run_pty;

/* Before fork: a pty pair, sized like the terminal on stdin. Returns 0 or -errno. */
int run_pty_open(struct run_pty **ret);
/* The pty's slave side, for the child (child_spec.pty_slave). */
int run_pty_slave(const struct run_pty *p);
/*
 * After fork: the parent's copy of the slave is closed, stdin is put in
 * raw mode (when it is a terminal) and a thread relays stdin -> pty and
 * pty -> stdout, and asks the person about run's reviews on jury_sock.
 * Returns 0 or -errno.
 */
int run_pty_start(struct run_pty *p, const char *run, const char *jury_sock);
/* Stops the relay (what the agent wrote last is passed on), restores the terminal, frees. */
void run_pty_close(struct run_pty *p);

#endif
