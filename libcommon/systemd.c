/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd's marks on the cgroup tree, read, never written: whether it
 * manages a hierarchy, which subtrees it delegated, and the unit a
 * container belongs to. systemd puts itself in /init.scope when it
 * manages a hierarchy (a container's systemd in the namespace's
 * /init.scope), and sets trusted.delegate=1 (since v251; user.delegate for
 * a user's manager) on the cgroup of a unit with Delegate=yes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctk/spec.h"
#include "ctk/systemd.h"
#include "internal.h"

/* The first line of @dir/@name into @buf, its newline cut; -1 when none. */
static int first_line(const char *dir, const char *name, char *buf,
		      size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	int rc = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, (int)size, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		rc = 0;
	}
	fclose(f);
	return rc;
}

bool ctk_sd_manages(const struct ctk_hierarchy *hy, const char *proc1)
{
	char comm[32], line[4096], path[PATH_MAX];
	bool v2 = hy->type == CTK_HIER_V2, found = false;
	FILE *f;

	if (!v2 && !(hy->name && !strcmp(hy->name, "systemd")))
		return false;
	if (first_line(proc1, "comm", comm, sizeof(comm)) ||
	    strcmp(comm, "systemd"))
		return false;
	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup", proc1) >=
	    sizeof(path))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	/* "0::/init.scope" (v2), "1:name=systemd:/init.scope" (v1) */
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctrl = strchr(line, ':'), *cpath;

		if (!ctrl || !(cpath = strchr(ctrl + 1, ':')))
			continue;
		*ctrl++ = '\0';
		*cpath++ = '\0';
		cpath[strcspn(cpath, "\n")] = '\0';
		if (v2 ? !strcmp(line, "0") && !*ctrl :
			 !strcmp(ctrl, "name=systemd"))
			found = !strcmp(cpath, "/init.scope");
	}
	fclose(f);
	return found;
}

bool ctk_sd_delegated_fd(int fd)
{
	static const char *const mark[] = { "trusted.delegate",
					    "user.delegate" };
	char v[8];

	for (size_t i = 0; i < CTK_ARRAY_SIZE(mark); i++) {
		ssize_t n = fgetxattr(fd, mark[i], v, sizeof(v));

		if (n >= 0)	/* the first mark there decides, as systemd */
			return n == 1 && v[0] == '1';
	}
	return false;
}

static bool is_unit_name(const char *s, size_t len)
{
	static const char *const type[] = { ".slice", ".scope", ".service",
					    ".socket", ".mount", ".swap" };

	for (size_t i = 0; i < CTK_ARRAY_SIZE(type); i++) {
		size_t tl = strlen(type[i]);

		if (len > tl && !memcmp(s + len - tl, type[i], tl))
			return true;
	}
	return false;
}

const char *ctk_sd_unit(const char *cpath, char *buf, size_t size)
{
	const char *best = NULL, *p = cpath;
	size_t best_len = 0;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len && is_unit_name(p, len)) {
			best = p;
			best_len = len;
		}
		p += len;
	}
	if (!best) {
		if (strspn(cpath, "/") != strlen(cpath) || !size)
			return NULL;
		snprintf(buf, size, "-.slice");
		return buf;
	}
	if (best_len >= size)
		return NULL;
	memcpy(buf, best, best_len);
	buf[best_len] = '\0';
	return buf;
}

/* The components of @rel ("." or "": none). */
static long depth_of(const char *rel)
{
	long n = 0;

	for (const char *p = rel; *p; p++)
		if (*p != '/' && (p == rel || p[-1] == '/') &&
		    !(p[0] == '.' && (!p[1] || p[1] == '/')))
			n++;
	return n;
}

int ctk_sd_check_at(int rootfd, const char *rel, enum ctk_sd_use use,
		    struct ctk_err *e)
{
	char name[PATH_MAX];
	const char *p = rel;
	long n = depth_of(rel), level = 0, top = -1;
	int fd = dup(rootfd);

	if (fd < 0)
		return ctk_err_set(e, errno, "cannot open the hierarchy");
	/* a normalised path (ctk_target_from_string makes them): a '..'
	 * could climb out of the subtree it was checked in */
	for (const char *q = rel; *q; q++)
		if ((q == rel || q[-1] == '/') && q[0] == '.' && q[1] == '.' &&
		    (!q[2] || q[2] == '/')) {
			close(fd);
			return ctk_err_setx(e, EINVAL, "'..' in a container path");
		}
	/* the shallowest delegated container on the way down, of those that
	 * exist (what a MAKE makes does not yet) */
	if (ctk_sd_delegated_fd(fd))
		top = 0;
	while (top < 0 && level < n) {
		size_t len;
		int next;

		while (*p == '/' || (p[0] == '.' && (!p[1] || p[1] == '/')))
			p++;
		len = strcspn(p, "/");
		if (!len || len >= sizeof(name))
			break;
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		next = ctk_openat_beneath(fd, name, O_RDONLY | O_DIRECTORY, 0);
		close(fd);
		fd = next;
		if (fd < 0)
			break;
		level++;
		if (ctk_sd_delegated_fd(fd))
			top = level;
	}
	if (fd >= 0)
		close(fd);
	if (top >= 0 && (use != CTK_SD_CHANGE || top < n))
		return 0;
	if (top >= 0)
		return ctk_err_setx(e, EPERM, "the top of a subtree systemd "
				    "delegated: its own settings and its removal "
				    "are its unit's (systemctl set-property, "
				    "systemctl stop), or --force");
	return ctk_err_setx(e, EPERM, "systemd's, in no subtree it delegated: "
			    "run in a unit with Delegate=yes (systemd-run "
			    "--scope -p Delegate=yes), or --force");
}

int ctk_sd_check(const struct ctk_target *t, enum ctk_sd_use use,
		 struct ctk_err *e)
{
	int rootfd;

	if (!ctk_sd_manages(t->hier, "/proc/1"))
		return 0;
	rootfd = ctk_hierarchy_fd(t->hier);
	if (rootfd < 0)
		return ctk_err_set(e, -rootfd, "cannot open the hierarchy");
	return ctk_sd_check_at(rootfd, t->rel, use, e);
}
