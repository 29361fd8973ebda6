/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one container-spec parser of every tool. */
#ifndef CTK_SPEC_H
#define CTK_SPEC_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"

/*
 * Spec forms:
 *   /sys/fs/cgroup/cpu/a/b   a path inside a mounted hierarchy (also ./rel)
 *   cpu,cpuacct:/a/b         v1 controllers
 *   name=NAME:/a/b           v1 named hierarchy (may be combined with
 *                            controllers: "name=x,cpu:/a")
 *   :/a/b                    cgroup v2
 */
enum ctk_spec_kind {
	CTK_SPEC_PATH,
	CTK_SPEC_V1,
	CTK_SPEC_V2,
};

#define CTK_CNAME_MAX	255	/* one container name */
#define CTK_CPATH_MAX	4095	/* a whole path */

struct ctk_spec {
	enum ctk_spec_kind kind;
	char *controllers;	/* V1: sorted, comma separated, or NULL */
	char *name;		/* V1: name=, or NULL */
	char *path;		/* PATH: normalised absolute path; else cpath */
};

/* Where a spec lands: a hierarchy and a container path inside it. */
struct ctk_target {
	const struct ctk_hierarchy *hier;
	char *cpath;		/* "/" or "/a/b", relative to the hierarchy */
	char *rel;		/* relative to the mount point: "." or "a/b" */
};

void ctk_target_free(struct ctk_target *t);

/* Parse and resolve in one step. */
int ctk_target_from_string(const char *s, const struct ctk_hierarchies *h,
			   struct ctk_target *t, struct ctk_err *e);

/*
 * The path relative to @t's mount of a container @cpath at or below @t
 * ("." for the mount's root). Malloc'd; NULL without memory.
 */
char *ctk_target_rel_below(const struct ctk_target *t, const char *cpath);

/* "name=ctk-test:/a/b" for messages; returns snprintf's count. */
int ctk_target_format(const struct ctk_target *t, char *buf, size_t size);

#endif
