/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hierarchy discovery: mountinfo (parsed here, no libmount) and
 * /proc/self/cgroup. */
#ifndef CTK_HIERARCHY_H
#define CTK_HIERARCHY_H

#include "ctk/c.h"

enum ctk_hier_type {
	CTK_HIER_V1 = 1,
	CTK_HIER_V2 = 2,
};

/*
 * What differs between the kinds of hierarchy, in one table per kind (as
 * crun's cgroup managers): a kind that comes (a subtree systemd delegated)
 * is one entry more, not a test in every file.
 */
struct ctk_hier_ops {
	const char *label;		/* "v1", "v2" */
	const char *procs_file;		/* every task it holds, listed */
	const char *thread_file;	/* a thread moved alone */
	const char *notify_file;	/* the release flag; NULL: an xattr */
	const char *events_file;	/* says "populated"; NULL: the tasks
					 * count, and a parent of a populated
					 * container is populated too */
	int (*notify_get)(int pfd, int dirfd);	/* 1: marked and honoured */
	bool kill;			/* cgroup.kill: the tree at once */
	bool freeze;			/* cgroup.freeze, no controller */
};

/* The table of @type; never NULL (an unknown type is v2's). */
const struct ctk_hier_ops *ctk_hier_ops(enum ctk_hier_type type);

struct ctk_hierarchy {
	enum ctk_hier_type type;
	int mount_id;		/* -1: not mounted in this mount namespace */
	int hier_id;		/* /proc/self/cgroup id; 0 for v2, -1 unknown */
	char *controllers;	/* "cpu,cpuacct"; "" when none */
	char *name;		/* name= option, or NULL */
	char *target;		/* mount point, or NULL when not mounted */
	char *root;		/* the mount's root inside the hierarchy, as
				 * this process's cgroup namespace sees it */
	char *ns_rel;		/* a mount made above this process's cgroup
				 * namespace: the namespace's root below the
				 * mount point (root is then "/"), or NULL */
	char *release_agent;	/* v1 only, NULL when unset */
	char *fs_options;	/* the superblock options (hierarchy flags) */
	char *vfs_options;	/* the mount's own options */
	struct ctk_hier_cache *cache;	/* the fds it lends; NULL in a
					 * hierarchy made by hand */
};

/*
 * The fds a hierarchy lends (ctk_hierarchy_borrow_fd,
 * ctk_container_borrow_parent): opened on first use, owned by the table,
 * closed by ctk_hierarchy_free; a borrower never closes one. Behind a
 * pointer, so that a const hierarchy lends without a cast. Not
 * thread-safe: a table is filled and used by one thread (the tree walk's
 * second thread is given fds, not the table).
 */
struct ctk_hier_cache {
	int rootfd;		/* the hierarchy's root, -1 */
	char *parent_rel;	/* the last parent resolved, and its fd */
	int parent_fd;
};

struct ctk_hierarchies {
	struct ctk_hierarchy *v;
	size_t n;
};

/*
 * Load every cgroup and cgroup2 mount of @mountinfo (NULL: this process's)
 * and, when @selfcgroup is not NULL, the v1 hierarchies listed there that
 * are not mounted (their target is NULL). Mounts come in mountinfo order.
 */
int ctk_hierarchy_load(struct ctk_hierarchies *h, const char *mountinfo,
		       const char *selfcgroup, struct ctk_err *e);
void ctk_hierarchy_free(struct ctk_hierarchies *h);

/* Exact controller-set match ("cpuacct,cpu" equals "cpu,cpuacct"). */
bool ctk_hierarchy_has_controllers(const struct ctk_hierarchy *hy,
				   const char *list);
/*
 * The mounted hierarchy matching a name and/or controller list (either may be
 * NULL; both NULL and v2 selects cgroup2), whose root is an ancestor of
 * @cpath. With @mounted_only false an unmounted v1 hierarchy may match.
 */
const struct ctk_hierarchy *
ctk_hierarchy_find(const struct ctk_hierarchies *h, enum ctk_hier_type type,
		   const char *name, const char *controllers,
		   const char *cpath, bool mounted_only);

/* Human label: "name=foo", "cpu,cpuacct", "cgroup2". Static storage-free. */
int ctk_hierarchy_label(const struct ctk_hierarchy *hy, char *buf,
			size_t size);

/*
 * Open the hierarchy's mount point as an O_DIRECTORY fd after checking it is
 * a cgroup filesystem of the right version. -errno on failure.
 */
int ctk_hierarchy_open(const struct ctk_hierarchy *hy);

/*
 * The same, lent: opened once and kept in @hy's cache until
 * ctk_hierarchy_free(), for tools that resolve many containers. The
 * caller must not close it (-EINVAL for a hierarchy without a cache).
 */
int ctk_hierarchy_borrow_fd(const struct ctk_hierarchy *hy);

/* True when @name is an allowed v1 hierarchy name ([A-Za-z0-9._-], < 64). */
bool ctk_hierarchy_name_valid(const char *name);

/*
 * Is the v1 hierarchy of id @hier_id still listed in @selfcgroup
 * (/proc/self/cgroup)? 1 or 0, -errno. A hierarchy unmounted with no
 * container left is destroyed in the background, and is listed (and
 * refuses a new mount, EBUSY) for some milliseconds more.
 */
int ctk_hierarchy_listed(int hier_id, const char *selfcgroup);

/*
 * Is @ctrl a controller this kernel knows (from @proc_cgroups, NULL for
 * /proc/cgroups)? Returns 1 yes, 0 no, -errno when the file is unreadable.
 */
int ctk_controller_known(const char *ctrl, const char *proc_cgroups);

/*
 * Does the kernel command line (@cmdline, NULL for /proc/cmdline) keep
 * @ctrl off v1? 1 when cgroup_no_v1= lists it (or "all"; @ctrl "named"
 * asks about named hierarchies, which only "named" turns off), 2 when
 * cgroup_disable= lists it (off everywhere), 0 neither, -errno.
 */
int ctk_controller_v1_off(const char *ctrl, const char *cmdline);

/* A hierarchy not mounted here: ctk_hierarchy_open_detached() (release.h). */

#endif
