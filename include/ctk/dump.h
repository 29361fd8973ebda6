/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Collecting a pid tree from /proc into a checkpoint image. */
#ifndef CTK_DUMP_H
#define CTK_DUMP_H

#include <sys/types.h>

#include "ctk/ckpt.h"
#include "ctk/spec.h"

/* Every process (tgid) of a container and its descendants. */
int ctk_container_procs(const struct ctk_target *t, pid_t **pids, size_t *n,
			struct ctk_err *e);
/* @pid and every process below it (by PPid, from /proc). */
int ctk_proc_descendants(pid_t pid, pid_t **pids, size_t *n,
			 struct ctk_err *e);

/*
 * Build the image of the processes @procs (host pids; their threads are
 * read from /proc). Without @subtree the tasks must be one pid-namespace
 * init and its descendants, with no pgrp or session led from outside
 * (e->msg says which task and why); with @subtree any set, outside
 * pgrp/session written as 0, a forest allowed. The image is validated
 * before it is returned. @root is the wanted root process, or 0.
 */
int ctk_dump_build(const pid_t *procs, size_t n, pid_t root, bool subtree,
		   struct ckpt_image *img, struct ctk_err *e);

#endif
