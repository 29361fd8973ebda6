/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading /proc: tasks, their pid-namespace numbers, their containers. */
#ifndef CTK_PROC_H
#define CTK_PROC_H

#include <stdint.h>
#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/hierarchy.h"

#define CTK_PF_KTHREAD	0x00200000UL
#define CTK_PF_EXITING	0x00000004UL	/* in exit: takes no signal again */

struct ctk_proc_info {
	char state;		/* R S D Z T ... */
	unsigned long flags;	/* PF_* */
	pid_t ppid;
	uid_t uid;
	gid_t gid;
	char comm[64];
};

/* /proc/PID/stat and status of a task (a tid works too). -ESRCH if gone. */
int ctk_proc_info(pid_t pid, struct ctk_proc_info *pi);

/*
 * The number of @pid in its own pid namespace (the last NSpid column of
 * /proc/PID/status): 1 for a namespace's init. -errno.
 */
int ctk_proc_inner_pid(pid_t pid, uint32_t *inner);

/*
 * The command line of @pid, its arguments joined by spaces, cut to fit
 * @size; "[comm]" for one that has none (a kernel thread, a zombie), as
 * ps(1) shows it. 0 or -errno (-ESRCH: no such process).
 */
int ctk_proc_cmdline(pid_t pid, char *buf, size_t size);

/* A number in /proc/sys (@name below it, "kernel/pid_max"), as this
 * process's namespaces answer it; 0 when it cannot be read. */
/* The value of the line "@key:" of /proc/@pid/status (0: this process),
 * its leading blanks cut, into @out: 0, -ENOENT (no such line), -ESRCH,
 * or -errno. The one reader of that file's single fields. */
int ctk_proc_status_field(pid_t pid, const char *key, char *out, size_t size);

long ctk_sysctl_num(const char *name);

/*
 * The pid_max of the pid namespace whose init is @init (since Linux 6.14
 * each has its own; before, the machine's), read by a process born in it
 * for the moment (the sysctl answers for the reader's namespace), which
 * then gives back the number it took there: ns_last_pid as before, so the
 * namespace's next pid is the one it would have been. -errno.
 */
int ctk_proc_ns_pid_max(pid_t init, uint32_t *pid_max);

/*
 * The pid_max a pid namespace made now starts with: since Linux 6.14 the
 * kernel's limit whatever this namespace's is (measured on 6.18: 4194304
 * under a host's 32768); before, the machine's one. -errno.
 */
int ctk_proc_new_ns_pid_max(uint32_t *pid_max);

/* Strict pid syntax: decimal, 1 .. 4194304, no sign or spaces. */
int ctk_parse_pid(const char *s, pid_t *pid);

/*
 * The path of @pid in hierarchy @hy from /proc/PID/cgroup, into @buf.
 * -ENOENT when the hierarchy has no line there.
 */
int ctk_proc_cgroup_path(pid_t pid, const struct ctk_hierarchy *hy,
			 char *buf, size_t size);

/* /proc/PID/cgroup whole, NUL-ended, into *@out (free it). -ESRCH gone. */
int ctk_proc_cgroup_read(pid_t pid, char **out);

/* The path of hierarchy @hy among @lines (ctk_proc_cgroup_read's), into
 * @buf. -ENOENT when no line is @hy's. */
int ctk_proc_cgroup_find(const char *lines, const struct ctk_hierarchy *hy,
			 char *buf, size_t size);

/*
 * Kill every descendant of this process, and reap them. The caller is a
 * child subreaper (PR_SET_CHILD_SUBREAPER): each round kills its children,
 * which are its own (their pids cannot be reused before it reaps them),
 * and their orphans come to it; a pid-namespace init takes its namespace
 * along. No other process is signalled. Returns the number of kill()s,
 * or -errno when /proc cannot list the children.
 */
int ctk_kill_descendants(void);

#endif
