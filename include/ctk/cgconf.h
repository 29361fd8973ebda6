/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcgroup's cgconfig.conf, read and written by ctk itself (cmkdir
 * --config, cmount -T --cgconfig): group sections with perm { task { }
 * admin { } } and a block a hierarchy, default { perm }, and mount { },
 * whose hierarchies must be mounted already (cmount mounts).
 *
 * A block is named by a v1 controller, "name=NAME" (in quotes), or
 * "unified" (cgroup v2). "group ." is the hierarchy root. Besides control
 * files, a block takes ctk.notify_on_release (v1 notify_on_release, v2 the
 * release mark). A systemd section (libcgroup 3.1: slice, scope,
 * setdefault) is parsed into scopes, which the tool asks systemd for
 * before apply; with setdefault, the file's v2 groups go below the scope
 * (as a namespace entry for "unified").
 */
#ifndef CTK_CGCONF_H
#define CTK_CGCONF_H

#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/create.h"
#include "ctk/hierarchy.h"
#include "ctk/spec.h"
#include "ctk/values.h"

struct ctk_cgc_block {
	char *name;		/* "cpu", "name=x", "unified" */
	int line;
	struct ctk_values values;
	int notify;		/* ctk.notify_on_release: -1, 0, 1 */
};

/* What a perm section sets (each field as in struct ctk_create_opts). */
struct ctk_cgc_perm {
	bool given;
	uid_t uid, task_uid;
	gid_t gid, task_gid;
	bool set_dir_mode, set_file_mode, set_task_file_mode;
	mode_t dir_mode, file_mode, task_file_mode;
};

struct ctk_cgc_group {
	char *name;		/* "a/b", or "." for the root */
	int line;
	const char *file;	/* the file it came from */
	struct ctk_cgc_perm perm;
	struct ctk_cgc_block *blocks;
	size_t nblocks, capblocks;
};

/* A namespace section's entry: the groups of its file are made below
 * PATH in the hierarchy NAME means (libcgroup's namespace, not a kernel
 * cgroup namespace). */
struct ctk_cgc_ns {
	char *name;		/* "cpu", "name=x" */
	char *path;		/* "daemons", "" for the root */
	const char *file;
	int line;
};

/* A systemd section (libcgroup 3.1): a delegated scope to ask systemd
 * for, kept by an idle process (cmkdir --scope). */
struct ctk_cgc_scope {
	char *cpath;		/* its cgroup: "a.slice/a-b.slice/x.scope" */
	bool setdefault;	/* the file's v2 groups go below it */
	const char *file;
	int line;
};

struct ctk_cgconfig {
	struct ctk_cgc_group *groups;
	size_t n, cap;
	struct ctk_cgc_perm defaults;	/* the default section */
	char **mounts;			/* mount section's blocks */
	size_t nmounts, capmounts;
	char **files;			/* the paths read, for messages */
	size_t nfiles, capfiles;
	struct ctk_cgc_ns *ns;		/* namespace sections' entries */
	size_t nns, capns;
	struct ctk_cgc_scope *scopes;	/* systemd sections, for the tool
					 * to make before apply */
	size_t nscopes, capscopes;
	bool systemd_check;		/* apply: refuse what is systemd's
					 * (ctk_sd_check), as the tools do
					 * unless --force */
	char **warnings;		/* sections skipped: "FILE: line N: ..." */
	size_t nwarnings, capwarnings;
};

/*
 * Parse @path and add its sections to @c (zeroed before the first file).
 * Refused, with the line: group names that are absolute or hold '.', '..'
 * (as components) or control characters; a line
 * longer than 4096 bytes, a word longer than 1023, a quote not closed on
 * its line, a NUL byte; a FIFO or a device.
 */
int ctk_cgconfig_parse(const char *path, struct ctk_cgconfig *c,
		       struct ctk_err *e);

/* @path, or every "*.conf" in it when it is a directory, in name order. */
int ctk_cgconfig_parse_path(const char *path, struct ctk_cgconfig *c,
			    struct ctk_err *e);

void ctk_cgconfig_free(struct ctk_cgconfig *c);

/*
 * Make what @c describes, all or nothing: every group in every hierarchy
 * it names, missing parents with them; an existing group (the root
 * included) takes the perm and values given, each old one recorded first,
 * so that a failure anywhere puts everything back. @defaults (NULL: none)
 * apply to groups with no perm section of their own, before the file's
 * default section. On failure e->msg names the file, line and group.
 */
int ctk_cgconfig_apply(const struct ctk_cgconfig *c,
		       const struct ctk_cgc_perm *defaults,
		       const struct ctk_hierarchies *h, struct ctk_err *e);

/*
 * The tree below and including @t as a cgconfig.conf that
 * ctk_cgconfig_apply() makes again: owners, modes, the release mark or
 * notify_on_release, and the writable values (a value equal to its
 * parent's is left out where the kernel copies it at mkdir). *out is
 * malloc'd text.
 */
int ctk_cgconfig_snapshot(const struct ctk_target *t, char **out,
			  struct ctk_err *e);

#endif
