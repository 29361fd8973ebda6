/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's process events (netlink connector, CN_IDX_PROC: fork, exec,
 * uid, gid, exit), as cgrulesengd follows them.
 */
#ifndef CTK_PROCEV_H
#define CTK_PROCEV_H

#include <sys/types.h>

#include "ctk/c.h"

enum ctk_procev_kind {
	CTK_PROCEV_FORK,	/* pid: the child (a process, not a thread) */
	CTK_PROCEV_EXEC,
	CTK_PROCEV_UID,
	CTK_PROCEV_GID,
	CTK_PROCEV_EXIT,
};

struct ctk_procev {
	enum ctk_procev_kind kind;
	pid_t pid;		/* the process (its tgid) */
	pid_t parent;		/* FORK: the parent process */
};

/*
 * Subscribe to the events (needs CAP_NET_ADMIN). Returns a non-blocking,
 * close-on-exec socket, or -errno with the reason in @e.
 */
int ctk_procev_open(struct ctk_err *e);

/*
 * Read what is waiting: up to @max events into @ev, *n of them. Only the
 * kernel's messages count (a datagram from any other sender is dropped).
 * -ENOBUFS: events were lost (rescan /proc); -EAGAIN: none waiting.
 */
int ctk_procev_read(int fd, struct ctk_procev *ev, size_t max, size_t *n);

#endif
