/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hierarchy discovery from mountinfo and /proc/self/cgroup fixtures. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "ctk/hierarchy.h"
#include "ctk/mountops.h"
#include "tap.h"

static const struct ctk_hierarchy *by_target(struct ctk_hierarchies *h,
					     const char *target)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].target && !strcmp(h->v[i].target, target))
			return &h->v[i];
	return NULL;
}

/*
 * libcommon parses mountinfo itself (libmount's dependency chain costs each
 * exec ~0.4 ms). Differential check: the same mounts, targets, roots and
 * superblock options as libmount finds, in the same order.
 */
static void same_as_libmount(const char *file)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *itr = mnt_new_iter(MNT_ITER_FORWARD);
	struct ctk_hierarchies h;
	struct ctk_err e = { 0 };
	struct libmnt_fs *fs;
	size_t i = 0;
	bool same = true;

	ok(mnt_table_parse_file(tb, file) == 0, "libmount reads %s", file);
	ok(ctk_hierarchy_load(&h, file, NULL, &e) == 0, "ctk reads %s", file);
	while (mnt_table_next_fs(tb, itr, &fs) == 0) {
		const char *t = mnt_fs_get_fstype(fs);
		const struct ctk_hierarchy *hy;

		if (strcmp(t, "cgroup") && strcmp(t, "cgroup2"))
			continue;
		if (i >= h.n) {
			same = false;
			break;
		}
		hy = &h.v[i++];
		if (strcmp(hy->target, mnt_fs_get_target(fs)) ||
		    strcmp(hy->root, mnt_fs_get_root(fs)) ||
		    hy->mount_id != mnt_fs_get_id(fs) ||
		    (hy->type == CTK_HIER_V2) != !strcmp(t, "cgroup2")) {
			printf("# differs: '%s' vs '%s'\n", hy->target,
			       mnt_fs_get_target(fs));
			same = false;
		}
	}
	ok(same && i == h.n, "%s: the %zu cgroup mounts match libmount's", file,
	   h.n);
	ctk_hierarchy_free(&h);
	mnt_free_iter(itr);
	mnt_unref_table(tb);
}

int main(void)
{
	struct ctk_hierarchies h;
	struct ctk_err e = { 0 };
	const struct ctk_hierarchy *hy;
	char proc[4096], label[128];

	ok(ctk_hierarchy_load(&h, fixture("mountinfo-v1v2"), NULL, &e) == 0,
	   "loads");
	is_int(h.n, 6, "six cgroup mounts, tmpfs and sysfs skipped");
	hy = by_target(&h, "/sys/fs/cgroup/cpu,cpuacct");
	ok(hy && hy->type == CTK_HIER_V1, "cpu,cpuacct is v1");
	is_str(hy ? hy->controllers : NULL, "cpu,cpuacct", "its controllers");
	ok(hy && hy->name == NULL, "no name");
	is_int(hy ? hy->mount_id : -2, 32, "mount id");
	hy = by_target(&h, "/sys/fs/cgroup/systemd");
	is_str(hy ? hy->name : NULL, "systemd", "name=systemd");
	is_str(hy ? hy->controllers : NULL, "", "no controllers");
	is_str(hy ? hy->release_agent : NULL,
	       "/lib/systemd/systemd-cgroups-agent", "release agent");
	hy = by_target(&h, "/sys/fs/cgroup/unified");
	ok(hy && hy->type == CTK_HIER_V2, "cgroup2");
	is_int(hy ? hy->hier_id : -2, 0, "v2 hierarchy id 0");
	hy = by_target(&h, "/mnt/with space");
	ok(hy != NULL, "octal-escaped mount point decoded");
	is_str(hy ? hy->controllers : NULL, "cpuset", "noprefix is a flag");
	is_str(hy ? hy->name : NULL, "spc", "name next to a controller");
	hy = by_target(&h, "/mnt/sub");
	is_str(hy ? hy->root : NULL, "/deep", "bind-mount root");

	hy = by_target(&h, "/sys/fs/cgroup/cpu,cpuacct");
	ok(ctk_hierarchy_has_controllers(hy, "cpuacct,cpu"),
	   "controller sets compare unordered");
	ok(!ctk_hierarchy_has_controllers(hy, "cpu"), "subset differs");
	ok(!ctk_hierarchy_has_controllers(hy, "cpu,cpuacct,memory"),
	   "superset differs");
	ok(!ctk_hierarchy_has_controllers(hy, ""), "empty set differs");

	hy = ctk_hierarchy_find(&h, CTK_HIER_V1, NULL, "cpu,cpuacct", "/",
				true);
	is_str(hy ? hy->target : NULL, "/sys/fs/cgroup/cpu,cpuacct", "find");
	hy = ctk_hierarchy_find(&h, CTK_HIER_V2, NULL, NULL, NULL, true);
	is_str(hy ? hy->target : NULL, "/sys/fs/cgroup/unified", "find v2");
	ctk_hierarchy_label(by_target(&h, "/mnt/with space"), label,
			    sizeof(label));
	is_str(label, "name=spc,cpuset", "label");
	ctk_hierarchy_free(&h);

	/* with /proc/self/cgroup: ids, and hierarchies not mounted here */
	snprintf(proc, sizeof(proc), "%s", fixture("proc-self-cgroup"));
	ok(ctk_hierarchy_load(&h, fixture("mountinfo-v1v2"), proc, &e) == 0,
	   "loads with proc cgroup (%s)", e.msg);
	is_int(by_target(&h, "/sys/fs/cgroup/systemd")->hier_id, 9,
	       "systemd id");
	is_int(by_target(&h, "/sys/fs/cgroup/cpu,cpuacct")->hier_id, 3,
	       "cpu id");
	is_int(by_target(&h, "/mnt/with space")->hier_id, 7,
	       "id by name and controllers");
	hy = ctk_hierarchy_find(&h, CTK_HIER_V1, "ctk-test", NULL, NULL,
				false);
	ok(hy && !hy->target && hy->hier_id == 12,
	   "an unmounted named hierarchy is listed");
	ok(!ctk_hierarchy_find(&h, CTK_HIER_V1, "ctk-test", NULL, NULL, true),
	   "but not as mounted");
	hy = ctk_hierarchy_find(&h, CTK_HIER_V1, NULL, "blkio", NULL, false);
	ok(hy && !hy->target && hy->hier_id == 2, "an unmounted controller");
	is_int(h.n, 8, "six mounts and two unmounted hierarchies");
	ctk_hierarchy_free(&h);

	ok(ctk_hierarchy_load(&h, fixture("mountinfo-v2only"), NULL, &e) == 0,
	   "pure v2 machine");
	is_int(h.n, 1, "one hierarchy");
	is_str(h.v[0].fs_options, "rw,nsdelegate,memory_recursiveprot",
	       "v2 flags kept");
	{
		struct ctk_mount_req req = { .type = CTK_HIER_V2,
					     .target = "/x" };
		bool carried, changed;
		char *opts = NULL;

		ok(ctk_mount_options(&req, &h, &opts, &carried, &changed,
				     &e) == 0, "v2 options");
		is_str(opts, "nsdelegate,memory_recursiveprot",
		       "a cgroup2 mount carries the flags in force");
		ok(carried && !changed, "and says so");
		free(opts);
		req.options = "nosuid,nodev";
		ok(ctk_mount_options(&req, &h, &opts, &carried, &changed,
				     &e) == 0, "v2 with vfs options");
		is_str(opts, "nosuid,nodev,nsdelegate,memory_recursiveprot",
		       "mount flags are no hierarchy flags: still carried");
		free(opts);
		req.options = "nsdelegate";
		ok(ctk_mount_options(&req, &h, &opts, &carried, &changed,
				     &e) == 0 && changed && !carried,
		   "naming other hierarchy flags is reported");
		free(opts);
	}
	ctk_hierarchy_free(&h);

	ok(ctk_hierarchy_load(&h, fixture("mountinfo-empty"), NULL, &e) == 0 &&
	   h.n == 0, "no cgroup mounts at all");
	ctk_hierarchy_free(&h);
	ok(ctk_hierarchy_load(&h, "/nonexistent/mountinfo", NULL, &e) < 0 &&
	   e.code == ENOENT, "missing file: %s", e.msg);

	{
		struct ctk_mount_req req = {
			.type = CTK_HIER_V1, .name = "ctk-test",
			.release_agent = "/usr/sbin/crelease",
			.target = "/x", .clone_children = true,
		};
		bool carried, changed;
		char *opts = NULL;

		ok(ctk_mount_options(&req, &h, &opts, &carried, &changed,
				     &e) == 0, "v1 options");
		is_str(opts, "none,name=ctk-test,release_agent=/usr/sbin/crelease,"
		       "clone_children", "v1 option string");
		free(opts);
	}

	same_as_libmount(fixture("mountinfo-v1v2"));
	same_as_libmount(fixture("mountinfo-v2only"));
	same_as_libmount("/proc/self/mountinfo");
	{
		char copy[4096];

		snprintf(copy, sizeof(copy), "%s", fixture("mountinfo-escapes"));
		same_as_libmount(copy);
		ok(ctk_hierarchy_load(&h, copy, NULL, &e) == 0, "escapes load");
		is_str(h.v[0].target, "/mnt/a\\b\ttab", "octal escapes decoded");
		is_str(h.v[0].release_agent, "/opt/my agent,x",
		       "an escaped comma stays inside the agent (libmount "
		       "would split it)");
		is_str(h.v[0].name, "esc", "name after an escaped agent");
		is_str(h.v[0].controllers, "", "no controllers");
		is_str(h.v[1].root, "/sub dir", "escaped root");
		is_str(h.v[2].target, "/mnt/trunc\\0",
		       "a short escape is kept as is");
		ctk_hierarchy_free(&h);
	}
	{
		/* a mount table many times the first read's 16 KiB, its last
		 * line with no newline; a /proc/self/cgroup the same */
		char mi[] = "/tmp/ctk-test-mountinfo.XXXXXX";
		char cg[] = "/tmp/ctk-test-cgroup.XXXXXX";
		int mfd = mkstemp(mi), cfd = mkstemp(cg);
		FILE *f = mfd >= 0 ? fdopen(mfd, "w") : NULL;
		FILE *g = cfd >= 0 ? fdopen(cfd, "w") : NULL;
		size_t v2 = 0;

		ok(f && g, "temporary files");
		for (int i = 0; f && i < 4000; i++) {
			bool c = i % 100 == 7;

			v2 += c;
			fprintf(f, "%d 1 0:%d / /srv/a-long-mount-point-name/%d "
				"rw,relatime shared:%d - %s %s rw%s\n", 100 + i,
				60 + i, i, i, c ? "cgroup2" : "tmpfs",
				c ? "cgroup2" : "tmpfs", c ? ",nsdelegate" : "");
		}
		if (f) {
			fprintf(f, "9000 1 0:9 / /srv/last rw - cgroup cgroup "
				"rw,name=lastline,release_agent=/x");
			fclose(f);
		}
		if (g) {
			fprintf(g, "0::/\n7:name=lastline:/\n8:name=unmounted:/a");
			fclose(g);
		}
		same_as_libmount(mi);
		ok(ctk_hierarchy_load(&h, mi, cg, &e) == 0, "the big table loads");
		ok(h.n == v2 + 2, "%zu hierarchies: %zu v2 mounts, the last "
		   "line's, the unmounted one", h.n, v2);
		ok(h.n >= v2 + 2 && h.v[v2].name && !strcmp(h.v[v2].name,
		   "lastline") && h.v[v2].hier_id == 7 &&
		   !strcmp(h.v[v2].release_agent, "/x"),
		   "the line with no newline is read whole");
		ok(h.n >= v2 + 2 && h.v[v2 + 1].name &&
		   !strcmp(h.v[v2 + 1].name, "unmounted") &&
		   h.v[v2 + 1].hier_id == 8 && !h.v[v2 + 1].target,
		   "so is /proc/self/cgroup's last line");
		ctk_hierarchy_free(&h);
		unlink(mi);
		unlink(cg);
	}
	ok(ctk_hierarchy_load(&h, fixture("mountinfo-junk"), NULL, &e) < 0 &&
	   strstr(e.msg, "line 1"), "a junk line is named: %s", e.msg);

	ok(ctk_hierarchy_name_valid("ctk-test.1_x"), "valid name");
	ok(!ctk_hierarchy_name_valid(""), "empty name");
	ok(!ctk_hierarchy_name_valid("a b"), "space in name");
	ok(!ctk_hierarchy_name_valid("a,b"), "comma in name");
	ok(!ctk_hierarchy_name_valid(
		"0123456789012345678901234567890123456789012345678901234567890123"),
	   "64-character name");
	ok(ctk_controller_known("memory", fixture("proc-cgroups")) == 1,
	   "known controller");
	ok(ctk_controller_known("nosuch", fixture("proc-cgroups")) == 0,
	   "unknown controller");
	{
		char cl[] = "/tmp/ctk-cmdline.XXXXXX";
		int fd = mkstemp(cl);
		const char *line = "BOOT_IMAGE=/vmlinuz quiet "
				   "cgroup_no_v1=cpu,named cgroup_disable=pids "
				   "cgroup_no_v1=blkio\n";

		ok(fd >= 0 && write(fd, line, strlen(line)) ==
				      (ssize_t)strlen(line),
		   "a command line fixture");
		close(fd);
		ok(ctk_controller_v1_off("cpu", cl) == 1, "cgroup_no_v1 names cpu");
		ok(ctk_controller_v1_off("blkio", cl) == 1,
		   "a second cgroup_no_v1= adds to the first");
		ok(ctk_controller_v1_off("named", cl) == 1,
		   "named hierarchies are off");
		ok(ctk_controller_v1_off("pids", cl) == 2,
		   "cgroup_disable names pids");
		ok(ctk_controller_v1_off("memory", cl) == 0, "memory is on");
		ok(ctk_controller_v1_off("cpuacct", cl) == 0,
		   "a name that begins with a listed one is not it");
		fd = open(cl, O_WRONLY | O_TRUNC);
		ok(fd >= 0 && write(fd, "cgroup_no_v1=all", 16) == 16,
		   "cgroup_no_v1=all");
		close(fd);
		ok(ctk_controller_v1_off("memory", cl) == 1,
		   "all covers every controller");
		ok(ctk_controller_v1_off("named", cl) == 0,
		   "all does not cover named hierarchies");
		unlink(cl);
		ok(ctk_controller_v1_off("memory", cl) == -ENOENT,
		   "a missing file is -ENOENT");
	}
	ok(ctk_release_agent_check("relative", &e) < 0, "relative agent");
	ok(ctk_release_agent_check("/bin/sh\n", &e) < 0, "newline in agent");
	ok(ctk_release_agent_check("/etc/passwd", &e) < 0 && e.code == EACCES,
	   "non-executable agent");
	ok(ctk_release_agent_check("/bin/true", &e) == 0, "executable agent");
	return tap_done();
}
