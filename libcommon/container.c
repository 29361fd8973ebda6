/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container access. Every path reaching a syscall is relative to the fd of
 * a hierarchy root and resolved beneath it with openat2: no symlinks, no
 * mount crossings (bind mounts of the hierarchy itself included), no
 * escape.
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <grp.h>
#include <pwd.h>
#include <linux/openat2.h>

#include "ctk/container.h"
#include "ctk/proc.h"
#include "ctk/tree.h"
#include "internal.h"

int ctk_openat_beneath(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	size_t len;
	long fd;

	if (!rel || !*rel || rel[0] == '/')
		return -EINVAL;
	/*
	 * A path the kernel takes in one piece (PATH_MAX) may still name a
	 * container: a delegate can nest names deeper than that. The path
	 * is then opened in pieces that end at a '/', each beneath the
	 * directory the piece before opened, with the same rules.
	 */
	len = strlen(rel);
	if (len >= PATH_MAX) {
		const char *cut = rel + PATH_MAX / 2;
		char *head;
		int dfd;

		while (cut > rel && *cut != '/')
			cut--;
		if (cut == rel)
			return -ENAMETOOLONG;	/* one name cannot be this long */
		head = strndup(rel, (size_t)(cut - rel));
		if (!head)
			return -ENOMEM;
		dfd = ctk_openat_beneath(rootfd, head, O_RDONLY | O_DIRECTORY,
					 0);
		free(head);
		if (dfd < 0)
			return dfd;
		while (*cut == '/')
			cut++;
		fd = *cut ? ctk_openat_beneath(dfd, cut, flags, mode) :
			    -ENOENT;
		close(dfd);
		return (int)fd;
	}
	/*
	 * openat2 (Linux 5.6) is required: a component walk cannot refuse
	 * a bind mount of the same filesystem as cheaply, and a second path
	 * that no test runs is a second set of bugs. ENOSYS reaches the
	 * tool, which says what is missing.
	 */
	do {
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	} while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : (int)fd;
}

int ctk_walk_down(int rootfd, const char *rel,
		  int (*visit)(int fd, long level, void *arg), void *arg)
{
	const char *p = rel;
	long level = 0;
	int fd = rootfd, rc = visit(rootfd, 0, arg);

	while (!rc) {
		char name[NAME_MAX + 1];
		size_t len;
		int next;

		while (*p == '/' || (p[0] == '.' && (!p[1] || p[1] == '/')))
			p++;
		len = strcspn(p, "/");
		if (!len || len >= sizeof(name))
			break;
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		next = ctk_openat_beneath(fd, name, O_RDONLY | O_DIRECTORY, 0);
		if (fd != rootfd)
			close(fd);
		fd = next;
		if (fd < 0)
			break;
		rc = visit(fd, ++level, arg);
	}
	if (fd >= 0 && fd != rootfd)
		close(fd);
	return rc;
}

int ctk_container_open(const struct ctk_target *t)
{
	int rootfd = ctk_hierarchy_borrow_fd(t->hier);

	if (rootfd < 0)
		return rootfd;
	return ctk_openat_beneath(rootfd, t->rel, O_RDONLY | O_DIRECTORY, 0);
}

int ctk_container_open_parent(const struct ctk_target *t, const char **leaf)
{
	const char *slash = strrchr(t->rel, '/');
	int rootfd, fd;

	if (!strcmp(t->rel, "."))
		return -EINVAL;
	rootfd = ctk_hierarchy_borrow_fd(t->hier);
	if (rootfd < 0)
		return rootfd;
	if (!slash) {
		*leaf = t->rel;
		fd = dup(rootfd);	/* the caller closes what it gets */
		return fd < 0 ? -errno : fd;
	} else {
		char *dir = strndup(t->rel, (size_t)(slash - t->rel));

		if (!dir)
			return -ENOMEM;
		fd = ctk_openat_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
		free(dir);
		*leaf = slash + 1;
		return fd;
	}
}

int ctk_container_borrow_parent(const struct ctk_target *t, const char **leaf)
{
	struct ctk_hier_cache *c = t->hier->cache;
	const char *slash = strrchr(t->rel, '/');
	size_t len = slash ? (size_t)(slash - t->rel) : 0;
	char *dir;
	int fd;

	if (!strcmp(t->rel, "."))
		return -EINVAL;
	*leaf = slash ? slash + 1 : t->rel;
	if (!slash)
		return ctk_hierarchy_borrow_fd(t->hier);
	if (!c)
		return -EINVAL;
	if (c->parent_fd >= 0 && strlen(c->parent_rel) == len &&
	    !strncmp(c->parent_rel, t->rel, len))
		return c->parent_fd;
	dir = strndup(t->rel, len);
	if (!dir)
		return -ENOMEM;
	fd = ctk_openat_beneath(ctk_hierarchy_borrow_fd(t->hier), dir,
				O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		free(dir);
		return fd;
	}
	if (c->parent_fd >= 0)
		close(c->parent_fd);
	free(c->parent_rel);
	c->parent_fd = fd;
	c->parent_rel = dir;
	return fd;
}

ssize_t ctk_cfile_read(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	size_t off = 0;

	if (size == 0)
		return -EINVAL;
	fd = ctk_openat_beneath(dirfd, name, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	while (off + 1 < size) {
		ssize_t n = read(fd, buf + off, size - 1 - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		off += (size_t)n;
		/* a control file shows itself in one read (seq_file fills
		 * what it is given): a short read that ends a line is all of
		 * it, and the read that would say EOF is saved */
		if ((size_t)n < size - 1 - (off - (size_t)n) &&
		    buf[off - 1] == '\n')
			break;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}

DIR *ctk_fdopendir_dup(int fd)
{
	int dfd = dup(fd);
	DIR *d;

	if (dfd < 0)
		return NULL;
	d = fdopendir(dfd);
	if (!d) {
		int err = errno;

		close(dfd);
		errno = err;
		return NULL;
	}
	rewinddir(d);
	return d;
}

int ctk_fd_read_all(int fd, size_t cap, size_t max, char **out, size_t *len)
{
	size_t off = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (cap - off < 2) {
			char *nb = cap > max / 2 ? NULL : realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + off, cap - 1 - off);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(buf);
			return -err;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	*out = buf;
	if (len)
		*len = off;
	return 0;
}

int ctk_cfile_read_alloc(int dirfd, const char *name, char **out, size_t *len)
{
	_cleanup_close_ int fd = ctk_openat_beneath(dirfd, name, O_RDONLY, 0);

	if (fd < 0)
		return fd;
	return ctk_fd_read_all(fd, 4096, SIZE_MAX, out, len);
}

int ctk_cfile_write(int dirfd, const char *name, const char *data)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(data);
	ssize_t n;

	fd = ctk_openat_beneath(dirfd, name, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	do {
		n = write(fd, data, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int ctk_cfile_read_long(int dirfd, const char *name, long *val)
{
	char buf[64], *end;
	ssize_t n = ctk_cfile_read(dirfd, name, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int ctk_cfile_count_lines(int dirfd, const char *name, long *count)
{
	_cleanup_close_ int fd = -1;
	char buf[8192];
	long lines = 0;

	fd = ctk_openat_beneath(dirfd, name, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p)));
		     p++)
			lines++;
	}
	*count = lines;
	return 0;
}

/* Does a seccomp filter (Seccomp: 2 in /proc/self/status) guard this
 * process? Such a filter may answer ENOSYS for a call the kernel has. */
static bool seccomp_filtered(void)
{
	char mode[16];

	return !ctk_proc_status_field(0, "Seccomp", mode, sizeof(mode)) &&
	       atoi(mode) == 2;
}

/*
 * The container-terms words for an errno during an operation. ALONE: they
 * say what the errno's text says, better, and stand in its place ("no such
 * container" for ENOENT); else the errno's text follows them. Decided here,
 * per entry, not by comparing words with strerror's (a translation would
 * defeat that).
 */
enum { WITH_ERRNO, ALONE };
static const struct explanation {
	enum ctk_op op;
	int err;
	bool alone;
	const char *text;
} explanations[] = {
	{ CTK_OP_RMDIR, EBUSY, WITH_ERRNO,
	  "container still has processes or children" },
	{ CTK_OP_RMDIR, ENOTEMPTY, WITH_ERRNO,
	  "container still has child containers" },
	{ CTK_OP_RMDIR, ENOENT, ALONE, "no such container" },
	{ CTK_OP_MKDIR, ENOENT, WITH_ERRNO, "parent container does not exist" },
	{ CTK_OP_MKDIR, EAGAIN, WITH_ERRNO, "hierarchy limit reached "
	  "(cgroup.max.depth or cgroup.max.descendants)" },
	{ CTK_OP_MKDIR, EROFS, WITH_ERRNO, "hierarchy is mounted read-only" },
	{ CTK_OP_ATTACH, ESRCH, ALONE, "no such process" },
	{ CTK_OP_ATTACH, EBUSY, WITH_ERRNO, "container has enabled "
	  "controllers, so it cannot hold processes (no-internal-process "
	  "rule)" },
	{ CTK_OP_ATTACH, EOPNOTSUPP, WITH_ERRNO,
	  "container is an invalid threaded domain" },
	{ CTK_OP_ATTACH, EINVAL, WITH_ERRNO, "process cannot be moved (a "
	  "kernel thread, or an invalid pid)" },
	{ CTK_OP_ATTACH, EACCES, WITH_ERRNO, "not allowed to move this process" },
	{ CTK_OP_ATTACH, EPERM, WITH_ERRNO, "not allowed to move this process" },
	{ CTK_OP_ATTACH, ENODEV, WITH_ERRNO, "container was removed" },
	{ CTK_OP_ATTACH, ENOENT, WITH_ERRNO, "container was removed" },
	{ CTK_OP_ATTACH, ENOSPC, WITH_ERRNO, "container has no CPUs or memory "
	  "nodes to run on (v1 cpuset: set its cpuset.cpus and cpuset.mems "
	  "first)" },
	{ CTK_OP_WRITE, ENODEV, WITH_ERRNO, "container was removed" },
	{ CTK_OP_WRITE, EBUSY, WITH_ERRNO, "container or hierarchy is busy" },
	{ CTK_OP_MOUNT, EBUSY, WITH_ERRNO, "controller already bound to "
	  "another hierarchy, or the name exists with other controllers" },
	{ CTK_OP_MOUNT, EINVAL, WITH_ERRNO, "invalid mount options (unknown "
	  "controller, bad name, or a name that needs controllers)" },
	{ CTK_OP_MOUNT, EPERM, WITH_ERRNO, "mounting a new hierarchy needs "
	  "CAP_SYS_ADMIN in the initial namespaces" },
	{ CTK_OP_MOUNT, ENODEV, WITH_ERRNO,
	  "this kernel has no such cgroup filesystem" },
	{ CTK_OP_UMOUNT, EBUSY, WITH_ERRNO, "hierarchy busy: a process has "
	  "its working directory or a file open inside" },
	{ CTK_OP_UMOUNT, EINVAL, WITH_ERRNO, "not a mount point" },
	{ CTK_OP_AGENT, EPERM, WITH_ERRNO, "the kernel allows it only with "
	  "CAP_SYS_ADMIN in the initial user namespace" },
	{ CTK_OP_AGENT, ENOENT, WITH_ERRNO,
	  "no release_agent file (not a v1 hierarchy root)" },
	{ CTK_OP_CHOWN, EPERM, WITH_ERRNO, "not allowed to change ownership" },
	{ CTK_OP_OPEN, ELOOP, WITH_ERRNO, "path crosses a symbolic link" },
	{ CTK_OP_OPEN, EXDEV, WITH_ERRNO, "path leaves the hierarchy" },
	{ CTK_OP_OPEN, ENOENT, ALONE, "no such container" },
	{ CTK_OP_OPEN, ENOTDIR, ALONE, "not a cgroup filesystem" },
};

static const struct explanation *explanation(enum ctk_op op, int err)
{
	static const struct explanation denied[] = {
		{ 0, EACCES, ALONE, "permission denied" },
		{ 0, EPERM, WITH_ERRNO, "permission denied" },
	};

	for (size_t i = 0; i < CTK_ARRAY_SIZE(explanations); i++)
		if (explanations[i].op == op && explanations[i].err == err)
			return &explanations[i];
	for (size_t i = 0; i < CTK_ARRAY_SIZE(denied); i++)
		if (denied[i].err == err)
			return &denied[i];
	return NULL;
}

/* openat2 missing: the kernel's, or a seccomp filter's doing. */
static const char *no_openat2(void)
{
	return seccomp_filtered() ?
	       "openat2 is refused by this process's seccomp filter "
	       "(systemd's RestrictSUIDSGID=yes does so; ctk needs openat2)" :
	       "this kernel has no openat2 (ctk needs Linux 5.6 or later)";
}

/* The words for @err during @op, or NULL; *@alone: they stand in the
 * errno's text's place. */
static const char *explain(enum ctk_op op, int err, bool *alone)
{
	const struct explanation *x = explanation(op, err);

	*alone = x && x->alone;
	if (err == ENOSYS)
		return no_openat2();
	return x ? x->text : NULL;
}

const char *ctk_explain(enum ctk_op op, int err)
{
	bool alone;

	return explain(op, err, &alone);
}

const char *ctk_strerror(enum ctk_op op, int err, char *buf, size_t size)
{
	bool alone;
	const char *s = explain(op, err, &alone);

	if (s && alone)
		snprintf(buf, size, "%s", s);
	else if (s)
		snprintf(buf, size, "%s: %s", s, strerror(err));
	else
		snprintf(buf, size, "%s", strerror(err));
	return buf;
}

static int read_mark(int dirfd, const char *attr)
{
	char v[8];
	ssize_t n = fgetxattr(dirfd, attr, v, sizeof(v));

	if (n < 0)
		return (errno == ENODATA || errno == EOPNOTSUPP ||
			errno == EACCES || errno == EPERM ||
			errno == ERANGE) ? 0 : -errno;
	return n == 1 && v[0] == '1';
}

/* Is @uid in group @gid (its primary group or a supplementary one)? */
static bool uid_in_group(uid_t uid, gid_t gid)
{
	struct passwd pw, *pwp = NULL;
	gid_t groups[256];
	int ngroups = (int)CTK_ARRAY_SIZE(groups);
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) || !pwp)
		return false;
	if (pw.pw_gid == gid)
		return true;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ngroups) < 0)
		return false;	/* more than we look at: say no */
	for (int i = 0; i < ngroups; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

bool ctk_uid_may_remove(int pfd, uid_t uid)
{
	struct stat pst;
	mode_t need;

	if (uid == 0)
		return true;
	if (pfd < 0 || fstat(pfd, &pst) < 0)
		return false;
	if (pst.st_uid == uid)
		need = S_IWUSR | S_IXUSR;
	else if (uid_in_group(uid, pst.st_gid))
		need = S_IWGRP | S_IXGRP;
	else
		need = S_IWOTH | S_IXOTH;
	return (pst.st_mode & need) == need;
}

int ctk_v2_notify_get(int pfd, int dirfd)
{
	struct stat st;
	int r = read_mark(dirfd, CTK_XATTR_NOTIFY_TRUSTED);

	if (r)
		return r;
	r = read_mark(dirfd, CTK_XATTR_NOTIFY_USER);
	if (r <= 0)
		return r;
	/* a user mark counts only where its owner could rmdir it too */
	if (fstat(dirfd, &st) < 0)
		return -errno;
	return ctk_uid_may_remove(pfd, st.st_uid);
}

/*
 * Could everyone who may write the file @st (its owner, its group, anyone,
 * as its mode says; root always may) also remove the container, a child of
 * @pfd? Group writers are taken as anyone unless the parent is writable by
 * that very group.
 */
static bool writers_may_remove(int pfd, const struct stat *st)
{
	struct stat pst;

	if ((st->st_mode & S_IWUSR) && !ctk_uid_may_remove(pfd, st->st_uid))
		return false;
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	if (pfd < 0 || fstat(pfd, &pst) < 0)
		return false;
	if ((pst.st_mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH))
		return true;	/* anyone may remove it anyway */
	return !(st->st_mode & S_IWOTH) && pst.st_gid == st->st_gid &&
	       (pst.st_mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
}

int ctk_v1_notify_get(int pfd, int dirfd)
{
	struct stat st;
	long v;
	int rc = ctk_cfile_read_long(dirfd, "notify_on_release", &v);

	if (rc)
		return rc;
	if (!v)
		return 0;
	/* the flag counts only where whoever could have set it could also
	 * remove the container itself */
	if (fstatat(dirfd, "notify_on_release", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return writers_may_remove(pfd, &st);
}

int ctk_v2_notify_set(int dirfd, bool on, bool trusted)
{
	const char *attr = trusted ? CTK_XATTR_NOTIFY_TRUSTED :
				     CTK_XATTR_NOTIFY_USER;

	if (on)
		return fsetxattr(dirfd, attr, "1", 1, 0) < 0 ? -errno : 0;
	if (fremovexattr(dirfd, attr) < 0 && errno != ENODATA)
		return -errno;
	return 0;
}

int ctk_v2_armed_get(int dirfd)
{
	return read_mark(dirfd, CTK_XATTR_RELEASABLE);
}

int ctk_v2_arm(int dirfd)
{
	return fsetxattr(dirfd, CTK_XATTR_RELEASABLE, "1", 1, 0) < 0 ?
	       -errno : 0;
}

/* v1: the tasks of the subtree, 0 when none; -errno (-ENOENT: gone). */
static long v1_tasks_below(const struct ctk_target *t)
{
	struct ctk_tree tr;
	struct ctk_err e;
	long n = 0;

	if (ctk_tree_load_target(t, CTK_TREE_STATE, &tr, &e))
		return -(long)e.code;
	for (size_t i = 0; i < tr.n; i++)
		n += tr.v[i].tasks > 0 ? tr.v[i].tasks : 0;
	ctk_tree_free(&tr);
	return n;
}

int ctk_container_wait_empty(const struct ctk_target *t)
{
	char ev[64], buf[4096] __attribute__((aligned(8)));
	int fd, ifd, rc = 0;

	if (t->hier->type == CTK_HIER_V1) {
		for (int pause = 10;; pause = pause < 1000 ? pause * 2 : 1000) {
			long n = v1_tasks_below(t);

			if (n <= 0)
				return n == -ENOENT ? 0 : (int)n;
			usleep((useconds_t)pause * 1000);
		}
	}
	fd = ctk_container_open(t);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	ifd = inotify_init1(IN_CLOEXEC);
	snprintf(ev, sizeof(ev), "/proc/self/fd/%d/cgroup.events", fd);
	/* the watch first, then the look: no change slips in between */
	if (ifd < 0 || inotify_add_watch(ifd, ev, IN_MODIFY) < 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = ctk_cfile_read(fd, "cgroup.events", buf,
					   sizeof(buf));
		char *p = n > 0 ? strstr(buf, "populated ") : NULL;

		if (n == -ENODEV || n == -ENOENT)
			break;		/* removed: nothing is left */
		if (n < 0 || !p) {
			rc = n < 0 ? (int)n : -EINVAL;
			break;
		}
		if (p[10] == '0')
			break;
		if (read(ifd, buf, sizeof(buf)) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
	}
out:
	if (ifd >= 0)
		close(ifd);
	close(fd);
	return rc;
}

int ctk_err_open(struct ctk_err *e, int err, const char *object)
{
	char why[256];

	if (err < 0)
		err = -err;
	if (ctk_explain(CTK_OP_OPEN, err))
		return ctk_err_atx(e, err, object, "%s",
				   ctk_strerror(CTK_OP_OPEN, err, why,
						sizeof(why)));
	return ctk_err_at(e, err, object, "cannot open the container");
}
