/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers: fds beneath a hierarchy root, control files, errno words. */
#ifndef CTK_CONTAINER_H
#define CTK_CONTAINER_H

#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/spec.h"

/* Open a container directory (O_RDONLY|O_DIRECTORY). -errno. */
int ctk_container_open(const struct ctk_target *t);

/*
 * Wait until no task is left in @t or below it (v2: cgroup.events says
 * populated 0, followed with inotify; v1: every tasks file of the subtree
 * is empty, looked at with a growing pause, 10 ms to 1 s). 0 when empty or
 * gone, else -errno.
 */
int ctk_container_wait_empty(const struct ctk_target *t);

/* Read a whole control file into a malloc'd string. -errno. */
int ctk_cfile_read_alloc(int dirfd, const char *name, char **out,
			 size_t *len);
/* Write @data with one write(2); exact errno. */
int ctk_cfile_write(int dirfd, const char *name, const char *data);

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
 * when strerror alone says it.
 */
const char *ctk_explain(enum ctk_op op, int err);

/*
 * The reason for @err during @op into @buf: the sentence and the errno's
 * text after it, or the sentence alone where it says what the errno says
 * (ENOENT's "no such container": a fixed table decides, not a comparison
 * of words), or the errno's text alone.
 */
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
 * Escape control bytes, '\\' and bytes that are not a printable character
 * of the locale as \xNN, for logs and messages: under a UTF-8 locale
 * "caf\xc3\xa9" stays "café", and C1 controls, bidi overrides and broken
 * sequences are escaped; in the C locale every non-ASCII byte is.
 */
const char *ctk_safe_name(const char *in, char *buf, size_t size);

/* The same for a whole message whose names are escaped already: '\\'
 * stays; what a terminal would act on does not reach it. */
const char *ctk_safe_text(const char *in, char *buf, size_t size);

#endif
