/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whose tree it is: on a machine whose pid 1 is systemd, the v2 hierarchy
 * (and v1's name=systemd) is systemd's, except the subtrees it delegated
 * (Delegate=yes: systemd marks their top with the extended attribute
 * trusted.delegate, or user.delegate, set to "1").
 */
#ifndef CTK_SYSTEMD_H
#define CTK_SYSTEMD_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"

/*
 * True when systemd manages @hy: pid 1 is systemd and it sits in
 * /init.scope of @hy (as this process's cgroup namespace sees it). Read
 * from @proc1 ("/proc/1": pid 1's comm and cgroup files), another
 * directory in the unit tests.
 */
bool ctk_sd_manages(const struct ctk_hierarchy *hy, const char *proc1);

/* True when the container at @fd carries systemd's delegation mark. */
bool ctk_sd_delegated_fd(int fd);

/*
 * The unit a container at @cpath belongs to, from its path, as systemd
 * names its cgroups: the last component that is a unit's name
 * (NAME.slice, .scope, .service, .socket, .mount, .swap); "-.slice" for
 * the root. NULL when no component is one (a path systemd does not make).
 */
const char *ctk_sd_unit(const char *cpath, char *buf, size_t size);

/* What a tool is about to do to a container, for ctk_sd_check(). */
enum ctk_sd_use {
	CTK_SD_MAKE,	/* make it: its parent must be in a delegated subtree */
	CTK_SD_MOVE,	/* move a task into it: it may be the delegated top */
	CTK_SD_CHANGE,	/* set its values, remove it: below the delegated top
			 * (the top's own settings are its unit's) */
};

/*
 * 0 when @use of @t is the caller's to do: systemd does not manage its
 * hierarchy, or @t is in a subtree systemd delegated. -EPERM with e set
 * (whose it is, and the way out) when the container is systemd's: the
 * kernel's single-writer rule (cgroup-v2.rst, and systemd's "Control
 * Group APIs and Delegation").
 */
int ctk_sd_check(const struct ctk_target *t, enum ctk_sd_use use,
		 struct ctk_err *e);

/* The same below @rootfd for a container @rel there ("." the root), when
 * systemd manages it: for the unit tests. */
int ctk_sd_check_at(int rootfd, const char *rel, enum ctk_sd_use use,
		    struct ctk_err *e);

#endif
