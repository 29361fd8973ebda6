/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libcommon's modules share among themselves and with their unit
 * tests, but not with the tools: the tools see only include/ctk/.
 */
#ifndef CTK_INTERNAL_H
#define CTK_INTERNAL_H

#include <dirent.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctk/ckpt.h"
#include "ctk/container.h"
#include "ctk/create.h"
#include "ctk/proc.h"
#include "ctk/release.h"
#include "ctk/spec.h"
#include "ctk/tree.h"

/* --- ctk/path.h (path.c) --- */

/*
 * A whole configuration file of at most @max bytes, NUL-terminated: a
 * regular file (a FIFO or a device is refused, never waited on), no NUL
 * byte in it.
 */
int ctk_read_regular_file(const char *path, size_t max, char **out,
			  size_t *len, struct ctk_err *e);

/* --- ctk/rules.h (hierarchies by the words of libcgroup's files) --- */

/*
 * Does the word @p (@len bytes: a v1 controller, "name=NAME", "unified",
 * or a controller only v2 has) name the mounted hierarchy @hy of @h?
 */
bool ctk_hierarchy_word(const char *p, size_t len,
			const struct ctk_hierarchy *hy,
			const struct ctk_hierarchies *h);

/* One hierarchy (mounted twice, say)? */
bool ctk_hierarchy_same(const struct ctk_hierarchy *a,
			const struct ctk_hierarchy *b);

/* The spec of @cpath in @hy: ":/d", "name=x:/d", "cpu,cpuacct:/d". */
int ctk_hierarchy_spec(const struct ctk_hierarchy *hy, const char *cpath,
		       char *buf, size_t size);

/* --- ctk/container.h --- */

/*
 * Open @rel (a relative path, "." for the root itself, or one name) beneath
 * @rootfd with no symlinks, no mount crossings, no escape: openat2
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV. A mount point on
 * the way (tmpfs or a bind mount) gives -EXDEV, a symlink -ELOOP, a kernel
 * without openat2 -ENOSYS.
 */
int ctk_openat_beneath(int rootfd, const char *rel, int flags, mode_t mode);

/*
 * Walk down @rel ("a/b", "." components skipped) from @rootfd, one name at
 * a time beneath it (ctk_openat_beneath: no link, no mount crossed), and
 * ask @visit of each container on the way: the root (level 0), then each
 * one opened (level 1, 2, ...). The first nonzero answer of @visit ends the
 * walk and is returned; 0 when every level was visited, or when a name
 * cannot be opened (the levels below it do not exist here).
 */
int ctk_walk_down(int rootfd, const char *rel,
		  int (*visit)(int fd, long level, void *arg), void *arg);

/*
 * Everything @fd reads to its end, NUL-terminated, into a malloc'd buffer
 * of @cap bytes first, doubled as needed but never past @max (-ENOMEM then).
 * /proc and cgroup files say size 0: no fstat. -errno.
 */
int ctk_fd_read_all(int fd, size_t cap, size_t max, char **out, size_t *len);

/*
 * Open the parent of @t and return the last path component in @leaf
 * (pointer into t->rel). For the hierarchy root: -EINVAL.
 */
int ctk_container_open_parent(const struct ctk_target *t, const char **leaf);

/*
 * The same as ctk_container_open_parent(), but lent: the fd is kept in the
 * hierarchy's cache (one entry: many containers with one parent cost one
 * openat2) and must not be closed.
 */
int ctk_container_borrow_parent(const struct ctk_target *t,
				const char **leaf);

/*
 * A directory stream over a copy of @fd (which stays open), from its start.
 * NULL with errno set.
 */
DIR *ctk_fdopendir_dup(int fd);

/* Read a control file into @buf (NUL terminated). Bytes read or -errno. */
ssize_t ctk_cfile_read(int dirfd, const char *name, char *buf, size_t size);

/* @e for a container that cannot be opened (@err): the open's words for
 * the errno (ctk_strerror), or "cannot open the container" and the
 * errno's text, about @object (NULL: the tool's). Returns -errno. */
int ctk_err_open(struct ctk_err *e, int err, const char *object);

/* Read a control file holding one integer. */
int ctk_cfile_read_long(int dirfd, const char *name, long *val);

/* Count the lines of a control file (tasks, cgroup.procs, ...). */
int ctk_cfile_count_lines(int dirfd, const char *name, long *count);


/*
 * 1 when the container @dirfd (whose parent is @pfd, -1 when unknown: user
 * marks then do not count) has a mark that counts, 0 when none does,
 * -errno on a hard error.
 */
int ctk_v2_notify_get(int pfd, int dirfd);

/* Set (or clear, @on false) the mark; trusted when root, else user. */
int ctk_v2_notify_set(int dirfd, bool on, bool trusted);

/*
 * v1: 1 when notify_on_release of @dirfd (parent @pfd) is 1 and everyone
 * who may write that file (its owner, group, others, as its mode says)
 * could remove the container too; 0 otherwise (a delegate that owns the
 * file of its delegation root gets nothing by setting it); -errno.
 */
int ctk_v1_notify_get(int pfd, int dirfd);

/* Could @uid remove a child of the directory @pfd (uid 0: yes)? */
bool ctk_uid_may_remove(int pfd, uid_t uid);

/* 1 when CTK_XATTR_RELEASABLE is set, 0 when not (or unreadable). */
int ctk_v2_armed_get(int dirfd);

/* Set CTK_XATTR_RELEASABLE (needs CAP_SYS_ADMIN). -errno. */
int ctk_v2_arm(int dirfd);

/* --- ctk/create.h --- */

/* The files that take tasks: v1 tasks, cgroup.procs; v2 cgroup.procs,
 * cgroup.threads, cgroup.subtree_control. */
bool ctk_is_task_file(enum ctk_hier_type type, const char *name);

/* --- ctk/proc.h --- */

/*
 * The numbers of an NS* line ("\nNSpid:", "\nNSpgid:", ...) of a status
 * text @buf, outer to inner, into @out (at most @max). -ENOENT without
 * the line, -E2BIG past @max, -EINVAL with no number.
 */
int ctk_proc_ns_line(const char *buf, const char *name, uint32_t *out,
		     uint32_t max, uint32_t *n);

/* --- ctk/release.h --- */

/* The link's name for a hierarchy of @name and/or @ctrls ("a,b"). */
int ctk_release_agent_link_name(const char *name, const char *ctrls,
				char *buf, size_t size);

/* --- ctk/spec.h --- */

/* "[CONTROLLERS|name=NAME]:PATH" into @spec; ctk_spec_free undoes. */
int ctk_spec_parse(const char *s, struct ctk_spec *spec, struct ctk_err *e);

void ctk_spec_free(struct ctk_spec *spec);

/*
 * Normalise a container path: components split on '/', "" and "." dropped,
 * ".." pops (refused above the root), names checked (length, control
 * characters). Result starts with '/' and has no trailing '/'.
 */
int ctk_cpath_normalize(const char *in, char **out, struct ctk_err *e);

/* The hierarchy and mount of @spec: a target (ctk_target_free). */
int ctk_spec_resolve(const struct ctk_spec *spec,
		     const struct ctk_hierarchies *h, struct ctk_target *t,
		     struct ctk_err *e);

/* A target for a child @name of @t (caller frees with ctk_target_free). */
int ctk_target_child(const struct ctk_target *t, const char *name,
		     struct ctk_target *child);

/*
 * The *.conf files of the directory @path in name order, as paths
 * (malloc'd, each and the array); an entry, or the file a link leads to,
 * that another user owns is refused, and none is read. 0 or -errno.
 */
int ctk_conf_dir_list(const char *path, char ***out, size_t *nout,
		      struct ctk_err *e);

/* Is @w (@len bytes) a word of @list, whose words any of @seps parts? */
bool ctk_list_has(const char *list, const char *seps, const char *w,
		  size_t len);

/* --- ctk/tree.h --- */

/*
 * Walk the tree below @dirfd (which is @cpath of a @type hierarchy),
 * iteratively, children sorted by name, preorder. @dirfd is not closed.
 */
int ctk_tree_load(int dirfd, const char *cpath, enum ctk_hier_type type,
		  unsigned flags, struct ctk_tree *t, struct ctk_err *e);

#endif
