/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Restarting a checkpointed pid tree with identical pids at every level. */
#ifndef CTK_RESTORE_H
#define CTK_RESTORE_H

#include <sys/types.h>

#include "ctk/ckpt.h"
#include "ctk/spec.h"

struct ctk_restore_opts {
	const struct ctk_target *into;	/* the container, or NULL */
	int into_fd;			/* open container (cgroup.procs) */
	char *const *command;		/* each process runs it, or NULL */
	bool stop;			/* placeholders SIGSTOP themselves */
	int timeout_ms;			/* the longest wait for an answer
					 * (0: as long as the task lives) */
};

/*
 * Plan the restart of @img and check that it can be done: every session
 * and process group reachable (inherited at fork, setsid, setpgid, or a
 * helper taking a dead leader's pid), before any process exists.
 */
int ctk_restore_check(const struct ckpt_image *img, struct ctk_err *e);

/*
 * Recreate every task of @img (validated) with its numbers at every level:
 * container images in a fresh pid namespace, subtree images in the current
 * one. On success *roots (malloc'd, *nroots) hold the roots' pids as this
 * process sees them; the tasks wait as placeholders or run the command.
 * On failure every task created is killed and reaped. @img's arrays are
 * malloc'd (as ctk_ckpt_load makes them): each root frees its own copy of
 * them at birth, so that its forks copy a small heap.
 */
int ctk_restore(const struct ckpt_image *img,
		const struct ctk_restore_opts *o, pid_t **roots, size_t *nroots,
		struct ctk_err *e);

#endif
