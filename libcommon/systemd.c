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

#include "ctk/systemd.h"

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
