/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mounting (through libmount) and unmounting hierarchies; release agents. */
#ifndef CTK_MOUNTOPS_H
#define CTK_MOUNTOPS_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"
#include "ctk/release.h"

struct ctk_mount_req {
	enum ctk_hier_type type;
	const char *controllers;	/* v1: "cpu,cpuacct" or NULL */
	const char *name;		/* v1: name= or NULL */
	const char *release_agent;	/* v1 or NULL */
	bool noprefix;
	bool clone_children;
	const char *options;		/* user -o, or NULL */
	const char *target;
};

/*
 * The option string for @req. For cgroup2 without user options, the
 * superblock options of the existing v2 mount in @h are carried over (a
 * cgroup2 mount rewrites the flags of the one v2 hierarchy); *carried says
 * whether that happened, *v2_flags_changed whether user options name other
 * hierarchy flags than those in force.
 */
int ctk_mount_options(const struct ctk_mount_req *req,
		      const struct ctk_hierarchies *h, char **opts,
		      bool *carried, bool *v2_flags_changed,
		      struct ctk_err *e);

/* Mount through libmount. e->code is the mount(2) errno when it ran. */
int ctk_mount(const struct ctk_mount_req *req, const char *opts,
	      struct ctk_err *e);
int ctk_umount(const char *target, struct ctk_err *e);
/*
 * Unmount @path only when it is, once resolved, the root of a cgroup mount
 * of @h (this process's mountinfo), and unmount exactly that mount (see
 * mountops.c). EINVAL: not a cgroup mount point.
 */
int ctk_umount_checked(const char *path, const struct ctk_hierarchies *h,
		       struct ctk_err *e);

#endif
