/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's process events (netlink connector, CN_IDX_PROC: fork, exec,
 * uid, gid, exit), as cgrulesengd follows them, and the sticky marks that
 * keep a process placed by hand out of the classification daemon's reach.
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

/* ---- sticky ---------------------------------------------------------------
 * A mark is a file DIR/PID holding the process's start time (so a reused
 * pid is not sticky), in a directory of root's that nobody else may write.
 * The default DIR is CTK_STICKY_DIR; the environment's CTK_STICKY_DIR (root
 * only reads it) names another.
 */
#define CTK_STICKY_DIR	"/run/ctk/sticky"

/* The start time of @pid (clock ticks since boot), 0 when gone. */
unsigned long long ctk_proc_starttime(pid_t pid);

/* Mark @pid sticky. -errno, reason in @e. */
int ctk_sticky_mark(const char *dir, pid_t pid, struct ctk_err *e);

/* Is @pid marked (and the mark its own, not a former pid's)? */
bool ctk_sticky_marked(const char *dir, pid_t pid);

/* Remove @pid's mark when it is stale (the process gone, a zombie, or
 * another one with its pid). */
void ctk_sticky_forget(const char *dir, pid_t pid);

#endif
