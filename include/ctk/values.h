/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Control file values: cmkdir --set and --copy-from, cgset's job. */
#ifndef CTK_VALUES_H
#define CTK_VALUES_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"
#include "ctk/spec.h"

struct ctk_value {
	char *file;		/* a control file's name: "memory.max" */
	char *value;		/* written as it is, one line a write(2) */
	bool if_differs;	/* copied: written only where it differs */
};

struct ctk_values {
	struct ctk_value *v;
	size_t n, cap;
};

void ctk_values_free(struct ctk_values *vals);

/* Append a copy of @file = @value. -ENOMEM. */
int ctk_values_add(struct ctk_values *vals, const char *file,
		   const char *value, bool if_differs);

/*
 * Could @file be given to --set? A plain name of a control file, and not
 * one that another option owns: the files that take tasks (cattach),
 * cgroup.subtree_control (--enable), cgroup.kill (crelease --kill),
 * release_agent (cmount). 0, or -EINVAL with the reason in @e.
 */
int ctk_value_check_name(const char *file, struct ctk_err *e);

/* Parse "FILE=VALUE" and append it (ctk_value_check_name). */
int ctk_value_parse(const char *arg, struct ctk_values *vals,
		    struct ctk_err *e);

/*
 * Is @file a resource setting, one that --copy-from and a snapshot carry
 * from one container to another? A controller's file that the kernel lets
 * be written (cpu.max, memory.high, io.max, pids.max, cpuset.cpus,
 * hugetlb.*.max, ...), never a core interface file (cgroup.*: freeze,
 * kill, type, subtree_control, max.*), tasks, notify_on_release,
 * release_agent, the v1 freezer's state, a statistic (*.stat, *.current,
 * *.events, *.effective, ...), a counter that takes a write only to reset
 * (cpuacct.*, *.peak, *failcnt, *usage_in_bytes), or a file whose reading
 * is not a value (pressure triggers, event and oom controls). By name
 * alone: a file's mode, which its owner sets, decides nothing.
 */
bool ctk_value_is_setting(const char *file);

/*
 * The resource settings of the container @t (ctk_value_is_setting) that
 * can be read. In name order, each marked if_differs.
 */
int ctk_values_read(const struct ctk_target *t, struct ctk_values *out,
		    struct ctk_err *e);

/* The same for an open container directory @dirfd. */
int ctk_values_read_fd(int dirfd, struct ctk_values *out, struct ctk_err *e);

/*
 * Write @val into @dirfd: a value of several lines a line each (io.max,
 * blkio.throttle.*: one device a line). When @val->if_differs, a value
 * equal to the file's present one is not written. -errno; e->msg names
 * the file: "memory.max: invalid value".
 */
int ctk_value_write(int dirfd, const struct ctk_value *val, struct ctk_err *e);

#endif
