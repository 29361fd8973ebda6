/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Holding tasks still for a consistent look: freeze or SIGSTOP, undone. */
#ifndef CTK_FREEZE_H
#define CTK_FREEZE_H

#include <sys/types.h>

#include "ctk/c.h"

enum ctk_freeze_kind {
	CTK_FREEZE_NONE,
	CTK_FREEZE_V2,		/* cgroup.freeze */
	CTK_FREEZE_V1,		/* freezer.state */
	CTK_FREEZE_STOP,	/* SIGSTOP of each process */
};

struct ctk_freezer {
	enum ctk_freeze_kind kind;
	int cgfd;		/* V2, V1: the container (owned) */
	pid_t *stopped;		/* STOP: the ones this call stopped */
	size_t nstopped;
	bool held;
	bool already;		/* V1/V2: frozen by someone else, left so */
};

/*
 * Freeze the container open as @cgfd (v2 cgroup.freeze, or v1 freezer.state
 * with @v1), waiting up to @timeout_ms for the kernel to report it frozen
 * (a kernel thread inside never is: -ETIMEDOUT, and it is thawed again).
 * @cgfd is taken over.
 */
int ctk_freeze_cgroup(struct ctk_freezer *f, int cgfd, bool v1,
		      int timeout_ms, struct ctk_err *e);
/* SIGSTOP each process of @pids that is not stopped yet, and wait until
 * each one is. */
int ctk_freeze_stop(struct ctk_freezer *f, const pid_t *pids, size_t n,
		    int timeout_ms, struct ctk_err *e);
/* Thaw / SIGCONT what this freezer holds. Safe to call twice. */
void ctk_thaw(struct ctk_freezer *f);

#endif
