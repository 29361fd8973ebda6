/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cckpt: checkpoint the pid objects and task tree of a container in the
 * linux-cr derived image format (every pid-namespace level), show it,
 * verify it, restore it, compare two. One file a command; this header is
 * what they share.
 */
#ifndef CCKPT_H
#define CCKPT_H

#include "config.h"

#include <signal.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ctk/ckpt.h"
#include "ctk/hierarchy.h"

struct cckpt_control {
	struct ctk_cli cli;
	const char *cmd;
	int subtree, no_freeze, json, freeze, join;
	char *pause_file;	/* test hook: --pause-frozen FILE */
	char *output, *pid_arg, *timeout_arg, *into;
	char **command;
	int timeout_ms;
	const char **operands;
	size_t noperands;
	struct ctk_hierarchies hier;
};

/* Read an image for a command: 0, or the exit status after a message. */
int cckpt_load(struct cckpt_control *ctl, const char *file,
	       struct ckpt_image *img);

/* The commands: each returns the exit status. */
int cckpt_show(struct cckpt_control *ctl);
int cckpt_verify(struct cckpt_control *ctl);
int cckpt_diff(struct cckpt_control *ctl);
int cckpt_restore(struct cckpt_control *ctl);
int cckpt_dump(struct cckpt_control *ctl);

#endif
