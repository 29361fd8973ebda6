/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmount --top: the live view of what containers use. */
#ifndef CTK_TOOLS_TOP_H
#define CTK_TOOLS_TOP_H

#include "cli.h"
#include "ctk/spec.h"

enum top_order { TOP_CPU, TOP_MEMORY, TOP_IO, TOP_TASKS, TOP_PATH };

/* "cpu", "memory", "io", "tasks", "path" */
extern const char *const top_order_names[];

struct top_view {
	struct ctk_cli *cli;
	const struct ctk_target *targets;	/* the trees shown */
	size_t ntargets;
	long level;		/* -L: levels below each target, -1 all */
	enum top_order order;
	double delay;		/* seconds between samples */
	long iterations;	/* -n: how many screens, -1 until q */
	bool batch;		/* -b: plain tables, no screen, no keys */
	/* the view's own */
	bool screen;
	unsigned long shown;
	bool *said;		/* a target's failure said (once a run) */
};

/* Show the view until its iterations are done, q, or a signal; an exit
 * code. */
int top_run(struct top_view *tv);

#endif
