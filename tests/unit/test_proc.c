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

	ok(ctk_proc_info(getpid(), &pi) == 0 && pi.ppid == getppid(),
	   "own stat and status");
	ok(!(pi.flags & CTK_PF_KTHREAD), "not a kernel thread");
	ok(ctk_proc_inner_pid(getpid(), &inner) == 0 && inner > 0,
	   "own number in its own pid namespace (%u)", inner);
	is_int(ctk_proc_inner_pid(4194304, &inner), -ESRCH,
	       "no such process: -ESRCH");
	return tap_done();
}
