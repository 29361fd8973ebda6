/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Held containers: the trusted.ctk.sticky mark, set by cattach --sticky,
 * read by the classification daemon before it moves a process.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "ctk/proc.h"
#include "ctk/sticky.h"
#include "internal.h"

static bool marked(int fd)
{
	char v[8];

	return fgetxattr(fd, CTK_STICKY_XATTR, v, sizeof(v)) >= 0;
}

int ctk_sticky_hold(int cgfd, const struct ctk_target *t, struct ctk_err *e)
{
	if (!strcmp(t->cpath, "/"))
		return ctk_err_setx(e, EINVAL, "the root of a hierarchy cannot "
				    "be held (it would hold every process)");
	if (marked(cgfd))
		return 0;
	if (fsetxattr(cgfd, CTK_STICKY_XATTR, "1", 1, 0) < 0) {
		int err = errno;

		if (err == EPERM)
			return ctk_err_setx(e, EPERM, "only root may hold a "
					    "container (a trusted.* extended "
					    "attribute)");
		if (err == EOPNOTSUPP)
			return ctk_err_setx(e, EOPNOTSUPP, "this hierarchy "
					    "keeps no extended attributes");
		return ctk_err_set(e, err, "cannot hold it");
	}
	return 1;
}

bool ctk_sticky_visible(void)
{
	char caps[32];

	/* CAP_SYS_ADMIN (bit 21) in the effective set */
	return !ctk_proc_status_field(0, "CapEff", caps, sizeof(caps)) &&
	       (strtoull(caps, NULL, 16) & (1ull << 21));
}

void ctk_sticky_unhold(int cgfd)
{
	fremovexattr(cgfd, CTK_STICKY_XATTR);
}

/* ctk_walk_down's visit: held? The mount's own root counts where the
 * mount shows the hierarchy from below its root (@arg: that it does). */
static int held_here(int fd, long level, void *arg)
{
	return (level > 0 || *(const bool *)arg) && marked(fd);
}

/* Is the container at @path (as /proc shows it) or one of its ancestors
 * below the hierarchy's root held? Opened one name at a time beneath the
 * mount, never crossing a mount or a link. */
static bool path_held(const struct ctk_hierarchy *hy, const char *path)
{
	size_t lr = strlen(hy->root);
	bool below_root = strcmp(hy->root, "/") != 0;
	int rootfd = ctk_hierarchy_borrow_fd(hy);

	if (rootfd < 0)
		return false;
	/* the mount shows the hierarchy from hy->root down */
	if (below_root) {
		if (strncmp(path, hy->root, lr) || (path[lr] && path[lr] != '/'))
			return false;	/* not below this mount */
		path += lr;
	}
	return ctk_walk_down(rootfd, path, held_here, &below_root) > 0;
}

int ctk_sticky_held(pid_t pid, const struct ctk_hierarchies *h)
{
	char *lines, path[4096 + 1];
	int rc = ctk_proc_cgroup_read(pid, &lines), held = 0;

	if (rc)
		return rc;
	for (size_t i = 0; i < h->n && !held; i++) {
		const struct ctk_hierarchy *hy = &h->v[i];

		bool seen = false;

		for (size_t q = 0; q < i && !seen; q++)
			seen = h->v[q].target && ctk_hierarchy_same(&h->v[q], hy);
		if (seen || !hy->target ||
		    ctk_proc_cgroup_find(lines, hy, path, sizeof(path)))
			continue;
		held = path_held(hy, path);
	}
	free(lines);
	return held;
}
