/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pid syntax, /proc parsing, task files. */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctk/attach.h"
#include "ctk/create.h"
#include "../../libcommon/internal.h"
#include "tap.h"

int main(void)
{
	struct ctk_proc_info pi;
	struct ctk_err e = { 0 };
	pid_t pid = 0;

	ok(ctk_parse_pid("1", &pid) == 0 && pid == 1, "pid 1");
	ok(ctk_parse_pid("4194304", &pid) == 0, "the largest pid_max");
	ok(ctk_parse_pid("4194305", &pid) < 0, "over pid_max");
	ok(ctk_parse_pid("0", &pid) < 0, "pid 0 (would mean the writer)");
	ok(ctk_parse_pid("-1", &pid) < 0, "negative");
	ok(ctk_parse_pid("1 2", &pid) < 0, "'1 2'");
	ok(ctk_parse_pid("12abc", &pid) < 0, "junk after digits");
	ok(ctk_parse_pid("", &pid) < 0, "empty");
	ok(ctk_parse_pid("+5", &pid) < 0, "a sign");
	ok(ctk_parse_pid("99999999999999999999", &pid) < 0, "overflow");

	ok(ctk_proc_info(getpid(), &pi) == 0, "own /proc info");
	ok(pi.state == 'R', "running (%c)", pi.state);
	ok(pi.ppid == getppid(), "ppid");
	ok(!(pi.flags & CTK_PF_KTHREAD), "not a kernel thread");
	is_str(pi.comm, "test_attach", "comm");
	{
		/* a kernel thread, wherever this pid namespace shows one
		 * (kthreadd is pid 2 only in the initial namespace). It is
		 * found by what the kernel names it, never by the flag that
		 * is asserted next, so a flag read wrong fails the test
		 * instead of skipping it. */
		DIR *d = opendir("/proc");
		struct dirent *de;
		pid_t kt = 0;

		while (d && !kt && (de = readdir(d))) {
			pid_t p = (pid_t)atoi(de->d_name);

			if (p > 1 && ctk_proc_info(p, &pi) == 0 &&
			    pi.ppid == 0 && !strcmp(pi.comm, "kthreadd"))
				kt = p;
		}
		if (d)
			closedir(d);
		if (kt)
			ok(ctk_proc_info(kt, &pi) == 0 &&
			   (pi.flags & CTK_PF_KTHREAD),
			   "kthreadd (%d) is a kernel thread (flags %#lx)",
			   (int)kt, pi.flags);
		else
			printf("ok %d - # SKIP no kernel thread is visible in "
			       "this pid namespace\n", ++tap_n);
	}
	ok(ctk_proc_info(4194304, &pi) == -ESRCH, "no such pid");

	ok(ctk_is_task_file(CTK_HIER_V1, "tasks"), "v1 tasks");
	ok(ctk_is_task_file(CTK_HIER_V1, "cgroup.procs"), "v1 procs");
	ok(!ctk_is_task_file(CTK_HIER_V1, "cgroup.threads"), "no v1 threads");
	ok(ctk_is_task_file(CTK_HIER_V2, "cgroup.subtree_control"),
	   "v2 subtree_control");
	ok(!ctk_is_task_file(CTK_HIER_V2, "tasks"), "no v2 tasks");

	return tap_done();
}
