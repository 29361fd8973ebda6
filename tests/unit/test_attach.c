/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pid syntax, /proc parsing, cgconfig.conf name checks. */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctk/attach.h"
#include "ctk/cgconf.h"
#include "ctk/create.h"
#include "../../libcommon/internal.h"
#include "tap.h"

/* Write a cgconfig.conf of one printf. */
__attribute__((format(printf, 2, 3)))
static void write_conf(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

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
		 * (kthreadd is pid 2 only in the initial namespace) */
		DIR *d = opendir("/proc");
		struct dirent *de;
		pid_t kt = 0;

		while (d && !kt && (de = readdir(d))) {
			pid_t p = (pid_t)atoi(de->d_name);

			if (p > 0 && ctk_proc_info(p, &pi) == 0 &&
			    (pi.flags & CTK_PF_KTHREAD) && pi.ppid == 0 &&
			    !strcmp(pi.comm, "kthreadd"))
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

	ok(ctk_cgconfig_check(fixture("cgconfig-ok.conf"), &e) == 0,
	   "a plain cgconfig.conf passes (%s)", e.msg);
	ok(ctk_cgconfig_check(fixture("cgconfig-dotdot.conf"), &e) < 0 &&
	   strstr(e.msg, "line 3") && strstr(e.msg, ".."),
	   "'../' group refused: %s", e.msg);
	ok(ctk_cgconfig_check(fixture("cgconfig-quoted.conf"), &e) < 0,
	   "a quoted '..' refused: %s", e.msg);
	ok(ctk_cgconfig_check(fixture("cgconfig-abs.conf"), &e) < 0 &&
	   strstr(e.msg, "absolute"), "an absolute name refused: %s", e.msg);
	ok(ctk_cgconfig_check("/nonexistent.conf", &e) < 0 && e.code == ENOENT,
	   "a missing file");
	is_str(ctk_cgroup_strerror(50030), "container is not empty",
	       "ECGNONEMPTY worded without libcgroup's crash");
	{
		/* what the scan cannot see whole is refused, never cut */
		char tmpl[] = "/tmp/ctk-test-cgconf.XXXXXX", word[1100];
		int fd = mkstemp(tmpl);
		struct ctk_err e2;

		if (fd >= 0)
			close(fd);
		memset(word, 'a', sizeof(word) - 1);
		word[sizeof(word) - 1] = '\0';
		write_conf(tmpl, "group a/%s/../../x {\n}\n", word);
		ok(ctk_cgconfig_check(tmpl, &e2) == -E2BIG &&
		   strstr(e2.msg, "longer than"), "a word past the buffer: "
		   "refused (%s)", e2.msg);
		write_conf(tmpl, "group \"a\n/../x\" {\n}\n");
		ok(ctk_cgconfig_check(tmpl, &e2) == -EINVAL, "a quote across "
		   "lines: refused (%s)", e2.msg);
		write_conf(tmpl, "template ../%%u {\n}\n");
		ok(ctk_cgconfig_check(tmpl, &e2) == -EINVAL, "a template "
		   "name with '..': refused");
		unlink(tmpl);
	}
	return tap_done();
}
