/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Control file values: FILE=VALUE, the refused names, what is copied. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctk/tree.h"
#include "ctk/values.h"
#include "tap.h"

static void put(int dfd, const char *name, mode_t mode, const char *data)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, strlen(data)) < 0)
		abort();
	close(fd);
	fchmodat(dfd, name, mode, 0);
}

int main(void)
{
	struct ctk_values v = { 0 };
	struct ctk_err e = { 0 };
	char dir[] = "/tmp/ctk-values.XXXXXX";
	int dfd;

	ok(ctk_value_parse("memory.max=1G", &v, &e) == 0 && v.n == 1 &&
	   !strcmp(v.v[0].file, "memory.max") && !strcmp(v.v[0].value, "1G") &&
	   !v.v[0].if_differs, "FILE=VALUE");
	ok(ctk_value_parse("io.max=8:0 rbps=1=2", &v, &e) == 0 &&
	   !strcmp(v.v[1].value, "8:0 rbps=1=2"), "the first '=' splits");
	ok(ctk_value_parse("cpuset.cpus=", &v, &e) == 0 && !*v.v[2].value,
	   "an empty value");
	ok(ctk_value_parse("novalue", &v, &e) < 0 && strstr(e.msg, "FILE=VALUE"),
	   "no '=': %s", e.msg);
	ok(ctk_value_parse("=1", &v, &e) < 0, "no name");
	ok(ctk_value_parse("../cpu/tasks=1", &v, &e) < 0, "a '/' is refused");
	ok(ctk_value_parse(".hidden=1", &v, &e) < 0, "a leading '.'");
	ok(ctk_value_parse("a\tb=1", &v, &e) < 0, "a control character");
	for (const char *const *p = (const char *const[]){ "tasks", "cgroup.procs",
	     "cgroup.threads", "cgroup.subtree_control", "cgroup.kill",
	     "release_agent", NULL }; *p; p++)
		ok(ctk_value_check_name(*p, &e) < 0 && strstr(e.msg, "not a value"),
		   "%s: %s", *p, e.msg);
	ok(ctk_value_check_name("notify_on_release", &e) == 0,
	   "notify_on_release is a value");
	ok(v.n == 3, "refusals add nothing");
	ctk_values_free(&v);
	ok(v.n == 0 && !v.v, "freed");

	ok(ctk_tree_value_name_ok("memory.max"), "a column name");
	ok(!ctk_tree_value_name_ok("TASKS") && !ctk_tree_value_name_ok("a/b.c") &&
	   !ctk_tree_value_name_ok(".x") && !ctk_tree_value_name_ok(""),
	   "not column names");

	/* what --copy-from and a snapshot carry: resource settings only */
	for (const char *const *p = (const char *const[]){ "cpu.max",
	     "memory.high", "io.max", "pids.max", "cpuset.cpus",
	     "hugetlb.2MB.limit_in_bytes", "memory.limit_in_bytes",
	     "net_cls.classid", "blkio.weight", "blkio.throttle.read_bps_device",
	     "cpu.weight.nice", "memory.swap.max", NULL }; *p; p++)
		ok(ctk_value_is_setting(*p), "%s is a setting", *p);
	for (const char *const *p = (const char *const[]){ "cgroup.freeze",
	     "cgroup.kill", "cgroup.type", "cgroup.max.depth",
	     "cgroup.max.descendants", "cgroup.subtree_control",
	     "cgroup.clone_children", "cgroup.procs", "tasks",
	     "notify_on_release", "release_agent", "freezer.state",
	     "cpuacct.usage", "memory.peak", "pids.peak", "memory.failcnt",
	     "memory.max_usage_in_bytes", "memory.kmem.failcnt",
	     "memory.pressure", "memory.oom_control", "memory.reclaim",
	     "memory.force_empty", "memory.pressure_level", "noprefix",
	     "cpu.stat", "cpu.stat.local", "memory.current", "memory.stat",
	     "memory.swap.events", "cpuset.cpus.effective", "io.stat",
	     "memory.usage_in_bytes", "blkio.io_serviced", "blkio.time",
	     "hugetlb.2MB.numa_stat", "devices.list", "pids.events.local",
	     NULL }; *p; p++)
		ok(!ctk_value_is_setting(*p), "%s is no setting", *p);

	if (!mkdtemp(dir))
		return 99;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	put(dfd, "b.max", 0644, "max\n");
	put(dfd, "a.weight", 0644, "100\n");
	put(dfd, "cgroup.procs", 0644, "1\n");
	put(dfd, "memory.pressure", 0644, "some avg10=0.00\n");
	put(dfd, "memory.oom_control", 0644, "oom_kill_disable 0\n");
	put(dfd, "io.max", 0644, "8:0 rbps=1\n8:16 wbps=2\n");
	ok(ctk_values_read_fd(dfd, &v, &e) == 0, "read");
	is_int((long long)v.n, 3, "three values");
	ok(v.n == 3 && !strcmp(v.v[0].file, "a.weight") &&
	   !strcmp(v.v[0].value, "100") && !strcmp(v.v[1].file, "b.max") &&
	   !strcmp(v.v[2].file, "io.max") && v.v[0].if_differs,
	   "in name order, the last newline gone, copied only where it differs");
	ok(v.n == 3 && !strcmp(v.v[2].value, "8:0 rbps=1\n8:16 wbps=2"),
	   "a value of several lines is kept whole");
	ctk_values_free(&v);
	for (const char *const *p = (const char *const[]){ "b.max", "a.weight",
	     "cgroup.procs", "memory.pressure",
	     "memory.oom_control", "io.max", NULL }; *p; p++)
		unlinkat(dfd, *p, 0);
	close(dfd);
	rmdir(dir);
	return tap_done();
}
