/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The release agent's path checks and resolution beneath a root. */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctk/container.h"
#include "ctk/hierarchy.h"
#include "ctk/release.h"
#include "../../libcommon/internal.h"
#include "tap.h"

static void refused(const char *path, const char *label, const char *why)
{
	struct ctk_release_result r;

	ok(ctk_release_check_path(path, &r) < 0 &&
	   (r.outcome == CTK_REL_REFUSED || r.outcome == CTK_REL_ROOT),
	   "refuses %s", label);
	ok(strstr(r.err.msg, why) != NULL, "%s: '%s' says '%s'", label, r.err.msg, why);
}

/* The per-hierarchy agent links: names, the check, the directory rule. */
static void agent_links(int root, const char *tmpl)
{
	struct ctk_hierarchy a = { .type = CTK_HIER_V1, .name = "jobs",
				   .controllers = "" };
	struct ctk_hierarchy b = { .type = CTK_HIER_V1, .name = NULL,
				   .controllers = "cpuacct,cpu" };
	struct ctk_err e;
	char buf[256], dir[300], *out = NULL;
	struct stat st;

	ok(ctk_release_agent_link_name("jobs", "", buf, sizeof(buf)) == 0,
	   "a name's link");
	is_str(buf, "crelease@name=jobs", "is crelease@name=NAME");
	ctk_release_agent_link_name(NULL, "cpuacct,cpu", buf, sizeof(buf));
	is_str(buf, "crelease@cpu+cpuacct", "controllers sorted, '+' for ','");
	ctk_release_agent_link_name("x", "memory", buf, sizeof(buf));
	is_str(buf, "crelease@name=x+memory", "a name with a controller");
	ok(ctk_release_agent_link_name(NULL, "", buf, sizeof(buf)) == -EINVAL,
	   "no name and no controllers: no link name");
	is_int(ctk_release_agent_names("/run/ctk/crelease@name=jobs", &a), 1,
	       "a link names its hierarchy");
	is_int(ctk_release_agent_names("/run/ctk/crelease@name=jobs", &b), 0,
	       "and not another");
	is_int(ctk_release_agent_names("/x/crelease@cpu+cpuacct", &b), 1,
	       "controllers match as a set");
	is_int(ctk_release_agent_names("/usr/sbin/crelease", &a), -1,
	       "a plain path names none");

	snprintf(dir, sizeof(dir), "%s/agents", tmpl);
	ok(ctk_release_agent_link(dir, "jobs", "", "/usr/sbin/crelease", NULL, &out,
				  &e) == 0, "a link is made (%s)",
	   out ? out : e.msg);
	ok(out && lstat(out, &st) == 0 && S_ISLNK(st.st_mode),
	   "and is a symbolic link");
	ok(out && readlink(out, buf, sizeof(buf)) == 18 &&
	   !strncmp(buf, "/usr/sbin/crelease", 18), "to the agent");
	free(out);
	ok(ctk_release_agent_link(dir, "jobs", "", "/usr/sbin/crelease", NULL, &out,
				  &e) == 0, "made again: replaced");
	free(out);
	/* the agent's log: a link beside the agent's, read back as made */
	ok(ctk_release_agent_link(dir, "jobs", "", "/usr/sbin/crelease",
				  "/var/log/ctk-jobs.log", &out, &e) == 0,
	   "with a log");
	{
		char *log = out ? ctk_release_agent_log(out) : NULL;

		if (geteuid() == 0)
			is_str(log ? log : "(none)", "/var/log/ctk-jobs.log",
			       "the agent finds its log");
		else
			ok(!log, "a link not of root's is not trusted");
		free(log);
	}
	free(out);
	ok(ctk_release_agent_link(dir, "jobs", "", "/usr/sbin/crelease",
				  "relative.log", &out, &e) == -EINVAL,
	   "a relative log: refused (%s)", e.msg);
	ok(ctk_release_agent_link(dir, "jobs", "", "/usr/sbin/crelease", NULL,
				  &out, &e) == 0, "made again without a log");
	ok(out && !ctk_release_agent_log(out), "the log link is gone");
	free(out);
	ok(!ctk_release_agent_log("/usr/sbin/crelease"),
	   "a plain agent path has no log link");
	chmod(dir, 01777);
	ok(ctk_release_agent_link(dir, "k", "", "/usr/sbin/crelease", NULL, &out,
				  &e) == -EPERM, "a directory others can write: "
	   "refused (%s)", e.msg);
	snprintf(dir, sizeof(dir), "%s/link", tmpl);
	ok(ctk_release_agent_link(dir, "k", "", "/usr/sbin/crelease", NULL, &out,
				  &e) < 0, "a symlink as the directory: refused");

	/* who may remove a child of a directory */
	ok(ctk_uid_may_remove(root, 0), "root may");
	ok(ctk_uid_may_remove(-1, 0), "root may, parent unknown");
	ok(!ctk_uid_may_remove(-1, 65534), "another, parent unknown: no");
	fchmod(root, 0755);
	ok(!ctk_uid_may_remove(root, 65534) || geteuid() == 65534,
	   "nobody, in a 0755 directory it does not own: no");
	fchmod(root, 0777);
	ok(ctk_uid_may_remove(root, 65534), "anyone, in a 0777 directory: yes");
	fchmod(root, 0700);
}

int main(void)
{
	struct ctk_release_result r;
	char tmpl[] = "/tmp/ctk-test-release.XXXXXX", big[6000], path[256];
	int root, fd;

	ok(ctk_release_check_path("/a", &r) == 0, "a plain path");
	ok(ctk_release_check_path("/a b/c d", &r) == 0, "spaces are kept");
	refused("/", "the root", "root");
	refused("a", "a relative path", "absolute");
	refused("", "an empty path", "absolute");
	refused("/../..", "'/../..'", "'..'");
	refused("//", "'//'", "canonical");
	refused("/a//b", "'/a//b'", "canonical");
	refused("/a/./b", "'/a/./b'", "canonical");
	refused("/a/", "a trailing '/'", "canonical");
	refused("/a\nb", "a newline", "control character");
	memset(big, 'x', 5000);
	big[0] = '/';
	big[5000] = '\0';
	refused(big, "5000 bytes", "longer than");
	for (int i = 1; i < 5000; i += 100)
		big[i] = '/';
	refused(big, "5000 bytes in short names", "longer than");

	{
		char w[256];

		ok(strstr(ctk_strerror(CTK_OP_OPEN, ENOSYS, w, sizeof(w)),
			  "openat2 (ctk needs Linux 5.6"), "no openat2: said");
	}
	is_str(ctk_release_outcome_str(CTK_REL_BUSY),
	       "kept: a task arrived (busy)", "outcome words");

	/* beneath a root: symlinks and '..' never resolve */
	ok(mkdtemp(tmpl) != NULL, "scratch dir");
	snprintf(path, sizeof(path), "%s/inside", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/inside/d", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/outside", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/outside/victim", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/outside", tmpl);
	snprintf(big, sizeof(big), "%s/link", tmpl);
	ok(symlink(path, big) == 0, "a planted symlink");
	snprintf(path, sizeof(path), "%s/inside/up", tmpl);
	ok(symlink("..", path) == 0, "a symlink upwards");
	root = open(tmpl, O_RDONLY | O_DIRECTORY);
	fd = ctk_openat_beneath(root, "inside/d", O_RDONLY | O_DIRECTORY, 0);
	ok(fd >= 0, "a plain path resolves");
	if (fd >= 0)
		close(fd);
	ok(ctk_openat_beneath(root, "link", O_RDONLY | O_DIRECTORY, 0) ==
	   -ELOOP, "a symlink is refused");
	ok(ctk_openat_beneath(root, "link/victim", O_RDONLY, 0) == -ELOOP,
	   "a path through a symlink is refused");
	ok(ctk_openat_beneath(root, "inside/up/inside", O_RDONLY, 0) == -ELOOP,
	   "a symlink to '..' is refused");
	ok(ctk_openat_beneath(root, "../etc", O_RDONLY, 0) == -EXDEV,
	   "'..' out of the root is refused");
	ok(ctk_openat_beneath(root, "/etc", O_RDONLY, 0) == -EINVAL,
	   "an absolute path is refused");
	/* the release itself never goes through the symlink */
	ctk_release_try(root, "link/victim", CTK_HIER_V1, 0, &r);
	ok(r.outcome == CTK_REL_REFUSED && r.err.code == ELOOP,
	   "release through a symlink: refused (%s)", r.err.msg);
	snprintf(path, sizeof(path), "%s/outside/victim", tmpl);
	ok(access(path, F_OK) == 0, "and the empty directory behind it stays");
	ok(ctk_release_failed(&r), "a refusal counts as a failure");
	r.outcome = CTK_REL_POPULATED;
	ok(!ctk_release_failed(&r), "a populated container does not");
	ctk_release_try(root, ".", CTK_HIER_V1, 0, &r);
	ok(r.outcome == CTK_REL_ROOT, "release of the root: never");
	agent_links(root, tmpl);
	close(root);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpl);
	ok(system(path) == 0, "cleanup");
	return tap_done();
}
