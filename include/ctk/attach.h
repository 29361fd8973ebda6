/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Moving processes and threads into containers, verified. */
#ifndef CTK_ATTACH_H
#define CTK_ATTACH_H

#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/proc.h"
#include "ctk/spec.h"

/*
 * Move @pid (a process; with @thread a single thread) into the container
 * open as @cgfd, which is @t. Kernel threads and zombies are refused before
 * the write (the kernel accepts some of both and moves nothing), and the
 * move is verified in /proc afterwards. e->msg says why when it fails.
 */
int ctk_attach(int cgfd, const struct ctk_target *t, pid_t pid, bool thread,
	       struct ctk_err *e);

/* The pids listed in a container's cgroup.procs (or tasks/threads). */
int ctk_container_pids(int cgfd, const char *file, pid_t **pids, size_t *n);

#endif
