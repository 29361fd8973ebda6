/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers: fds beneath a hierarchy root, control files, errno words. */
#ifndef CTK_CONTAINER_H
#define CTK_CONTAINER_H

#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/spec.h"

/*
 * Open @rel (a relative path, "." for the root itself) beneath @rootfd with
 * no symlinks, no mount crossings, no escape (openat2 RESOLVE_BENEATH, or a
 * component walk with O_NOFOLLOW where openat2 is missing).
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

/* v2 release mark: extended attributes on the container directory. */
#define CTK_XATTR_NOTIFY_TRUSTED	"trusted.ctk.notify_on_release"
#define CTK_XATTR_NOTIFY_USER		"user.ctk.notify_on_release"

/* 1 when either mark reads "1", 0 when neither, -errno on a hard error. */
int ctk_v2_notify_get(int dirfd);
/* Set (or clear, @on false) the mark; trusted when root, else user. */
int ctk_v2_notify_set(int dirfd, bool on, bool trusted);

/* Escape control and non-ASCII bytes as \xNN for logs and messages. */
const char *ctk_safe_name(const char *in, char *buf, size_t size);

#endif
