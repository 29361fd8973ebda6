/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Walking a container tree below an fd. */
#ifndef CTK_TREE_H
#define CTK_TREE_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"
#include "ctk/spec.h"

struct ctk_node {
	char *cpath;		/* path inside the hierarchy */
	long parent;		/* index of the parent node, -1 for the top */
	unsigned depth;		/* 0 for the top of the walk */
	long tasks;		/* threads (v1 tasks, v2 cgroup.threads); -1 unknown */
	int populated;		/* 1/0, -1 unknown */
	int notify;		/* notify_on_release or the v2 mark; -1 unknown */
	unsigned nchildren;	/* child containers, hidden ones included */
	unsigned hidden;	/* of those, covered by a mount: not walked */
	bool is_root;		/* the hierarchy root */
	bool releasable;	/* empty, no children, notify set, not root */
	bool delegated;		/* systemd's delegation mark (ctk/systemd.h),
				 * read with CTK_TREE_DELEGATE */
	char **values;		/* ctk_tree_load_values: whole files, NULL
				 * where the file is absent */
};

struct ctk_tree {
	struct ctk_node *v;
	size_t n, cap;
	size_t nvalues;		/* entries in each node's values */
};

/* Read the state files of every container (else: names only). */
#define CTK_TREE_STATE	(1u << 0)
/* With CTK_TREE_STATE: also systemd's delegation mark (nd->delegated),
 * one more system call a container, for those who show it. */
#define CTK_TREE_DELEGATE	(1u << 1)

void ctk_tree_free(struct ctk_tree *t);

/*
 * Walk the tree below a target, opened beneath its hierarchy's root:
 * iteratively, children sorted by name, preorder.
 */
int ctk_tree_load_target(const struct ctk_target *t, unsigned flags,
			 struct ctk_tree *tr, struct ctk_err *e);

/*
 * The same, and each of the @nfiles control files @files in every
 * container, whole, its last newline cut (cgget for a tree). A name is a plain file
 * name (ctk_tree_value_name_ok).
 */
int ctk_tree_load_values(const struct ctk_target *t, unsigned flags,
			 const char *const *files, size_t nfiles,
			 struct ctk_tree *tr, struct ctk_err *e);

/* A control file's name for a value column: "memory.max" (a '.', no '/'). */
bool ctk_tree_value_name_ok(const char *name);

/* Count containers below @dirfd, itself included. -errno. */
long ctk_tree_count(int dirfd);

#endif
