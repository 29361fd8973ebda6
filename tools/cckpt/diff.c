/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cckpt diff: two images, as diff(1) answers (0 same, 1 differ, 2 trouble). */
#include "cckpt.h"

int cckpt_diff(struct cckpt_control *ctl)
{
	struct ckpt_image a, b;
	unsigned shown = 0, diffs = 0;
	int ret;

	/* as diff(1): 1 for a difference, 2 for trouble, a lost write too */
	ctk_cli_write_error_exit(CTK_EXIT_USAGE);
	ret = cckpt_load(ctl, ctl->operands[0], &a);

	/* as diff(1): 1 for a difference, 2 for trouble (an image that
	 * cannot be read or is not valid) */
#define SAY(...) do { if (shown++ < 20) printf(__VA_ARGS__); diffs++; } while (0)
	if (ret)
		return CTK_EXIT_USAGE;
	ret = cckpt_load(ctl, ctl->operands[1], &b);
	if (ret) {
		ctk_ckpt_free(&a);
		return CTK_EXIT_USAGE;
	}
	if (a.uflags != b.uflags)
		SAY("kind: %s vs %s\n", a.uflags ? "subtree" : "container",
		    b.uflags ? "subtree" : "container");
	if (a.nr_pids != b.nr_pids)
		SAY("pid objects: %u vs %u\n", a.nr_pids, b.nr_pids);
	for (uint32_t i = 0; i < a.nr_pids && i < b.nr_pids; i++) {
		uint32_t da, db, tag = i + a.offset;
		const uint32_t *na = ctk_ckpt_pid(&a, tag, &da),
			       *nb = ctk_ckpt_pid(&b, tag, &db);

		if (da != db || memcmp(na, nb, 4 * (da + 1))) {
			if (shown < 20) {
				printf("pid %u: ", tag);
				cckpt_print_levels(&a, tag);
				fputs(" vs ", stdout);
				cckpt_print_levels(&b, tag);
				putchar('\n');
			}
			shown++;
			diffs++;
		}
	}
	if (a.nr_tasks != b.nr_tasks)
		SAY("tasks: %u vs %u\n", a.nr_tasks, b.nr_tasks);
	for (uint32_t i = 0; i < a.nr_tasks && i < b.nr_tasks; i++) {
		const struct ckpt_task *x = &a.tasks[i], *y = &b.tasks[i];

		if (memcmp(x, y, sizeof(*x)))
			SAY("task %u: pid/ppid/tgid/pgrp/session/depth %u/%u/%u/"
			    "%u/%u/%u vs %u/%u/%u/%u/%u/%u (tags)\n", i, x->vpid,
			    x->vppid, x->vtgid, x->vpgid, x->vsid, x->depth,
			    y->vpid, y->vppid, y->vtgid, y->vpgid, y->vsid,
			    y->depth);
	}
#undef SAY
	if (shown > 20)
		printf("... %u differences in all\n", diffs);
	ctk_ckpt_free(&a);
	ctk_ckpt_free(&b);
	return diffs ? CTK_EXIT_FAILURE : CTK_EXIT_OK;
}
