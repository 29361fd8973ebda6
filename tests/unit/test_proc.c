/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /proc reading: the NS* lines, a task's own numbers, its state. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "ctk/proc.h"
#include "../../libcommon/internal.h"
#include "tap.h"

int main(void)
{
	const char *status = "Name:\tsh\nState:\tS (sleeping)\n"
			     "NSpid:\t4711\t5\t1\nNSpgid:\t4711\t5\t0\n"
			     "NSsid:\t0\n";
	uint32_t num[4], n = 0, inner = 0;
	struct ctk_proc_info pi;
	char many[512];

	ok(ctk_proc_ns_line(status, "\nNSpid:", num, 4, &n) == 0 && n == 3,
	   "NSpid: three levels");
	ok(num[0] == 4711 && num[1] == 5 && num[2] == 1, "outer to inner");
	ok(ctk_proc_ns_line(status, "\nNSpgid:", num, 4, &n) == 0 && n == 3 &&
	   num[2] == 0, "a leader not visible inside reads 0");
	ok(ctk_proc_ns_line(status, "\nNSsid:", num, 4, &n) == 0 && n == 1,
	   "one level");
	is_int(ctk_proc_ns_line(status, "\nNStgid:", num, 4, &n), -ENOENT,
	       "a missing line: -ENOENT");
	is_int(ctk_proc_ns_line(status, "\nNSpid:", num, 2, &n), -E2BIG,
	       "more levels than room: -E2BIG");
	is_int(ctk_proc_ns_line("\nNSpid:\t\n", "\nNSpid:", num, 4, &n),
	       -EINVAL, "no number: -EINVAL");
	snprintf(many, sizeof(many), "\nNSpid:");
	for (int i = 0; i < 40; i++)
		strcat(many, "\t1");
	is_int(ctk_proc_ns_line(many, "\nNSpid:", num, 4, &n), -E2BIG,
	       "40 levels: refused, never written past the array");

	/* /proc/PID/cgroup: each hierarchy's own line, by id, by name and
	 * controllers, v2 by "0::" */
	{
		const char *lines = "13:name=jobs:/a/b\n"
				    "12:cpu,cpuacct:/c\n"
				    "11:name=jobs2,cpuset:/d\n"
				    "0::/user.slice/x\n";
		struct ctk_hierarchy byid = { .type = CTK_HIER_V1,
					      .hier_id = 12 };
		struct ctk_hierarchy byname = { .type = CTK_HIER_V1,
						.hier_id = -1, .name = "jobs",
						.controllers = "" };
		struct ctk_hierarchy mixed = { .type = CTK_HIER_V1,
					       .hier_id = -1, .name = "jobs2",
					       .controllers = "cpuset" };
		struct ctk_hierarchy v2 = { .type = CTK_HIER_V2 };
		struct ctk_hierarchy none = { .type = CTK_HIER_V1,
					      .hier_id = 9 };
		char path[64];

		ok(!ctk_proc_cgroup_find(lines, &byid, path, sizeof(path)) &&
		   !strcmp(path, "/c"), "by hierarchy id: %s", path);
		ok(!ctk_proc_cgroup_find(lines, &byname, path, sizeof(path)) &&
		   !strcmp(path, "/a/b"), "by name: %s", path);
		ok(!ctk_proc_cgroup_find(lines, &mixed, path, sizeof(path)) &&
		   !strcmp(path, "/d"), "by name and controllers: %s", path);
		ok(!ctk_proc_cgroup_find(lines, &v2, path, sizeof(path)) &&
		   !strcmp(path, "/user.slice/x"), "v2: %s", path);
		is_int(ctk_proc_cgroup_find(lines, &none, path, sizeof(path)),
		       -ENOENT, "no line: -ENOENT");
		is_int(ctk_proc_cgroup_find("0::/x", &v2, path, sizeof(path)),
		       0, "a last line without a newline");
		ok(!strcmp(path, "/x"), "... read whole: %s", path);
	}

	ok(ctk_proc_info(getpid(), &pi) == 0 && pi.ppid == getppid(),
	   "own stat and status");
	ok(!(pi.flags & CTK_PF_KTHREAD), "not a kernel thread");
	ok(ctk_proc_inner_pid(getpid(), &inner) == 0 && inner > 0,
	   "own number in its own pid namespace (%u)", inner);
	is_int(ctk_proc_inner_pid(4194304, &inner), -ESRCH,
	       "no such process: -ESRCH");
	/* the one reader of /proc/PID/status fields */
	{
		char v[64], want[16];

		snprintf(want, sizeof(want), "%d", (int)getpid());
		ok(!ctk_proc_status_field(0, "Pid", v, sizeof(v)) &&
		   !strcmp(v, want), "this process's Pid: %s", v);
		ok(!ctk_proc_status_field(getpid(), "Name", v, sizeof(v)) &&
		   !strcmp(v, "test_proc"), "its Name, by its pid: %s", v);
		is_int(ctk_proc_status_field(0, "NoSuchKey", v, sizeof(v)),
		       -ENOENT, "a key the file has not");
		is_int(ctk_proc_status_field(0, "Pi", v, sizeof(v)), -ENOENT,
		       "a key is a whole name, not a prefix of one");
		ok(!ctk_proc_status_field(0, "Name", v, 5) && !strcmp(v, "test"),
		   "a value cut to the room given: %s", v);
	}
	return tap_done();
}
