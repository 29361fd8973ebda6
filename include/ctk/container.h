/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers: fds beneath a hierarchy root, control files, errno words. */
#ifndef CTK_CONTAINER_H
#define CTK_CONTAINER_H

#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/spec.h"

/*
 * Open @rel (a relative path, "." for the root itself, or one name) beneath
 * @rootfd with no symlinks, no mount crossings, no escape: openat2
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV. A mount point on
 * the way (tmpfs or a bind mount) gives -EXDEV, a symlink -ELOOP, a kernel
 * without openat2 -ENOSYS.
 */
int ctk_openat_beneath(int rootfd, const char *rel, int flags, mode_t mode);

/* Open a container directory (O_RDONLY|O_DIRECTORY). -errno. */
int ctk_container_open(const struct ctk_target *t);

/*
 * Open the parent of @t and return the last path component in @leaf
 * (pointer into t->rel). For the hierarchy root: -EINVAL.
 */
int ctk_container_open_parent(const struct ctk_target *t, const char **leaf);

/*
 * The same as ctk_container_open_parent(), but the fd is cached in the
 * hierarchy (one entry: many containers with one parent cost one openat2)
 * and must not be closed.
 */
int ctk_container_parent_fd(const struct ctk_target *t, const char **leaf);

/* Read a control file into @buf (NUL terminated). Bytes read or -errno. */
ssize_t ctk_cfile_read(int dirfd, const char *name, char *buf, size_t size);
/* Read a whole control file into a malloc'd string. -errno. */
int ctk_cfile_read_alloc(int dirfd, const char *name, char **out,
			 size_t *len);
/* Write @data with one write(2); exact errno. */
int ctk_cfile_write(int dirfd, const char *name, const char *data);
/* Read a control file holding one integer. */
int ctk_cfile_read_long(int dirfd, const char *name, long *val);

/* Count the lines of a control file (tasks, cgroup.procs, ...). */
int ctk_cfile_count_lines(int dirfd, const char *name, long *count);

/* The operations whose errno ctk_explain words in container terms. */
enum ctk_op {
	CTK_OP_OPEN,
	CTK_OP_MKDIR,
	CTK_OP_RMDIR,
	CTK_OP_ATTACH,
	CTK_OP_WRITE,
	CTK_OP_MOUNT,
	CTK_OP_UMOUNT,
	CTK_OP_AGENT,
	CTK_OP_CHOWN,
};

/*
 * The container-terms sentence for @err (positive errno) during @op, or NULL
 * when strerror alone says it. Tools print "<sentence>: <strerror>".
 */
const char *ctk_explain(enum ctk_op op, int err);

/* "sentence: strerror" or "strerror" into @buf. */
const char *ctk_strerror(enum ctk_op op, int err, char *buf, size_t size);

/*
 * v2 release mark: extended attributes on the container directory. The
 * trusted one needs CAP_SYS_ADMIN to set; the user one can be set by the
 * container's owner, and so counts only where that owner could remove the
 * container itself (write and search on its parent): a delegate who marks
 * its delegation root gets nothing it could not do.
 */
#define CTK_XATTR_NOTIFY_TRUSTED	"trusted.ctk.notify_on_release"
#define CTK_XATTR_NOTIFY_USER		"user.ctk.notify_on_release"
/*
 * The v2 memory of the v1 kernel's "releasable" state: set (by root) once a
 * container has been populated or has had children, so that a watcher that
 * starts later can tell an emptied container from a fresh one.
 */
#define CTK_XATTR_RELEASABLE		"trusted.ctk.releasable"

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

/* Escape control and non-ASCII bytes as \xNN for logs and messages. */
const char *ctk_safe_name(const char *in, char *buf, size_t size);

#endif
