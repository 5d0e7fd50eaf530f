/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Partly sent messages (util/iov.h).
 */
#include <sys/socket.h>

#include "util/iov.h"

void iov_advance(struct msghdr *mh, size_t n)
{
	while (mh->msg_iovlen && n >= mh->msg_iov->iov_len) {
		n -= mh->msg_iov->iov_len;
		mh->msg_iov++;
		mh->msg_iovlen--;
	}
	if (mh->msg_iovlen) {
		mh->msg_iov->iov_base = (char *)mh->msg_iov->iov_base + n;
		mh->msg_iov->iov_len -= n;
	}
}
