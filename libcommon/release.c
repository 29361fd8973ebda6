/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Release: remove a container that is still empty, and never anything else.
 * The checks here make the common refusals cheap and explicit; the kernel's
 * own EBUSY on rmdir of a container with tasks or children is the last
 * word, so a task that arrives after the checks keeps its container.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/mount.h>

#include "ctk/container.h"
#include "ctk/release.h"
#include "ctk/tree.h"
#include "internal.h"

const char *ctk_release_outcome_str(enum ctk_release_outcome o)
{
	switch (o) {
	case CTK_REL_REMOVED: return "removed";
	case CTK_REL_WOULD_REMOVE: return "would remove";
	case CTK_REL_GONE: return "already gone";
	case CTK_REL_POPULATED: return "kept: has tasks";
	case CTK_REL_CHILDREN: return "kept: has child containers";
	case CTK_REL_NO_NOTIFY: return "kept: notify on release not set";
	case CTK_REL_BUSY: return "kept: a task arrived (busy)";
	case CTK_REL_ROOT: return "refused: the hierarchy root";
	case CTK_REL_REFUSED: return "refused";
	case CTK_REL_ERROR: return "error";
	case CTK_REL_WATCHING: return "watching";
	case CTK_REL_WAITING: return "not there yet: waiting for it";
	case CTK_REL_WATCH_LOST: return "removed: waiting for it to come back";
	}
	return "?";
}

bool ctk_release_failed(const struct ctk_release_result *r)
{
	switch (r->outcome) {
	case CTK_REL_REMOVED:
	case CTK_REL_WOULD_REMOVE:
	case CTK_REL_GONE:
	case CTK_REL_NO_NOTIFY:
	case CTK_REL_POPULATED:
	case CTK_REL_WATCHING:
	case CTK_REL_WAITING:
	case CTK_REL_WATCH_LOST:
		return false;
	default:
		return true;
	}
}

int ctk_release_check_path(const char *cpath, struct ctk_release_result *r)
{
	struct ctk_err e = { 0 };
	char *norm = NULL;

	memset(r, 0, sizeof(*r));
	r->outcome = CTK_REL_REFUSED;
	if (cpath[0] != '/')
		return ctk_err_setx(&r->err, EINVAL, "not an absolute path");
	if (ctk_cpath_normalize(cpath, &norm, &e)) {
		r->err = e;
		return -EINVAL;
	}
	if (strcmp(norm, cpath)) {
		free(norm);
		return ctk_err_setx(&r->err, EINVAL, "not a canonical path (the "
				    "kernel sends none with '//', '.' or '..')");
	}
	free(norm);
	if (!strcmp(cpath, "/")) {
		r->outcome = CTK_REL_ROOT;
		return ctk_err_setx(&r->err, EINVAL, "the hierarchy root");
	}
	r->outcome = CTK_REL_REMOVED;	/* placeholder: not decided */
	return 0;
}

static int has_subdirs(int fd)
{
	int dfd = dup(fd);
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, "..")) {
			found = 1;
			break;
		}
	closedir(d);
	return found;
}

static void set_error(struct ctk_release_result *r, int err)
{
	r->outcome = err == ELOOP || err == EXDEV ? CTK_REL_REFUSED :
		     CTK_REL_ERROR;
	if (r->outcome == CTK_REL_REFUSED)
		ctk_err_setx(&r->err, err, "%s", err == ELOOP ?
			     "path crosses a symbolic link" :
			     "path crosses a mount or leaves the hierarchy");
	else
		ctk_err_set(&r->err, err, "cannot remove");
}

/* An open that failed (-errno): gone, or why not. */
static void set_open_error(struct ctk_release_result *r, int rc)
{
	if (rc == -ENOENT)
		r->outcome = CTK_REL_GONE;
	else
		set_error(r, -rc);
}

/* How many tasks the container @fd has: 0 with r->tasks, or -errno. */
static int count_tasks(int fd, enum ctk_hier_type type,
		       struct ctk_release_result *r)
{
	const struct ctk_hier_ops *ops = ctk_hier_ops(type);
	char buf[128], *p;
	ssize_t n;

	if (!ops->events_file)
		return ctk_cfile_count_lines(fd, ops->procs_file, &r->tasks);
	n = ctk_cfile_read(fd, ops->events_file, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	p = strstr(buf, "populated ");
	r->tasks = (p && p[10] == '1') ? 1 : 0;
	if (r->tasks)
		ctk_cfile_count_lines(fd, "cgroup.procs", &r->tasks);
	return 0;
}

/* What keeps the container @fd: r->outcome becomes POPULATED, CHILDREN,
 * GONE or ERROR, or stays REMOVED when nothing does. */
static void why_kept(int fd, enum ctk_hier_type type,
		     struct ctk_release_result *r)
{
	int rc = count_tasks(fd, type, r);

	if (rc) {
		set_error(r, rc == -ENODEV ? ENOENT : -rc);
		if (rc == -ENODEV || rc == -ENOENT)
			r->outcome = CTK_REL_GONE;
		return;
	}
	if (r->tasks > 0) {
		r->outcome = CTK_REL_POPULATED;
		return;
	}
	rc = has_subdirs(fd);
	if (rc > 0)
		r->outcome = CTK_REL_CHILDREN;
	else if (rc < 0)
		set_error(r, -rc);
}

int ctk_release_try(int rootfd, const char *rel, enum ctk_hier_type type,
		    unsigned flags, struct ctk_release_result *r)
{
	_cleanup_close_ int fd = -1, pfd = -1;
	const char *slash, *leaf;
	int dirfd, rc;

	memset(r, 0, sizeof(*r));
	if (!*rel || !strcmp(rel, ".")) {
		r->outcome = CTK_REL_ROOT;
		return 0;
	}
	/* the parent beneath the root, then the container beneath it: the
	 * one the checks look at is the one the rmdir removes */
	slash = strrchr(rel, '/');
	if (slash) {
		char *dir = strndup(rel, (size_t)(slash - rel));

		if (!dir) {
			set_error(r, ENOMEM);
			return 0;
		}
		pfd = ctk_openat_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
		free(dir);
		if (pfd < 0) {
			set_open_error(r, pfd);
			return 0;
		}
		leaf = slash + 1;
	} else {
		leaf = rel;
	}
	dirfd = pfd >= 0 ? pfd : rootfd;
	fd = ctk_openat_beneath(dirfd, leaf, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		set_open_error(r, fd);
		return 0;
	}
	if (flags & CTK_REL_NEED_NOTIFY) {
		rc = ctk_hier_ops(type)->notify_get(dirfd, fd);
		if (rc != 1) {
			r->outcome = CTK_REL_NO_NOTIFY;
			return 0;
		}
	}
	/*
	 * The kernel's rmdir removes only an empty container (no task, no
	 * child: EBUSY otherwise), so it goes first; what kept the container
	 * is asked after a refusal, not before every removal. A dry run asks
	 * first, as it removes nothing.
	 */
	if (!(flags & CTK_REL_DRY_RUN)) {
		if (unlinkat(dirfd, leaf, AT_REMOVEDIR) == 0) {
			r->outcome = CTK_REL_REMOVED;
			return 0;
		}
		if (errno == ENOENT) {
			r->outcome = CTK_REL_GONE;
			return 0;
		}
		if (errno != EBUSY && errno != ENOTEMPTY) {
			set_error(r, errno);
			return 0;
		}
	}
	why_kept(fd, type, r);
	if (r->outcome == CTK_REL_REMOVED)	/* nothing found that keeps it */
		r->outcome = flags & CTK_REL_DRY_RUN ? CTK_REL_WOULD_REMOVE :
			     CTK_REL_BUSY;	/* a task came and went, a mount */
	return 0;
}

/* The new mount API, through syscall(): glibc 2.36 has the wrappers, but
 * not every libc does. */
static int sys_fsopen(const char *fs, unsigned flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned cmd, const char *key,
			const void *val, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, val, aux);
}

static int sys_fsmount(int fd, unsigned flags, unsigned attrs)
{
	return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

int ctk_hierarchy_open_detached(const struct ctk_hierarchy *hy)
{
	_cleanup_close_ int fsfd = -1;
	int mfd;

	if (hy->type != CTK_HIER_V1)
		return -EINVAL;
	fsfd = sys_fsopen("cgroup", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	if (hy->controllers && *hy->controllers) {
		const char *p = hy->controllers;

		while (*p) {
			char c[64];
			size_t len = strcspn(p, ",");

			if (len >= sizeof(c))
				return -EINVAL;
			memcpy(c, p, len);
			c[len] = '\0';
			if (sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, c, NULL, 0) < 0)
				return -errno;
			p += len + (p[len] == ',');
		}
	} else if (sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, "none", NULL, 0) < 0) {
		return -errno;
	}
	if (hy->name &&
	    sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "name", hy->name, 0) < 0)
		return -errno;
	if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID |
			  MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	return mfd < 0 ? -errno : mfd;
}

int ctk_release_sweep(const struct ctk_target *t, unsigned flags,
		      ctk_release_report_fn report, void *arg, size_t *removed,
		      size_t *failed, struct ctk_err *e)
{
	int rootfd = ctk_hierarchy_borrow_fd(t->hier), rc;
	enum ctk_hier_type type = t->hier->type;
	unsigned *left;
	struct ctk_tree tr;

	*removed = *failed = 0;
	rc = ctk_tree_load_target(t, CTK_TREE_STATE, &tr, e);
	if (rc)
		return rc;
	left = calloc(tr.n, sizeof(*left));
	if (!left) {
		ctk_tree_free(&tr);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < tr.n; i++)
		left[i] = tr.v[i].nchildren;
	/* reverse preorder: every container after all of its descendants */
	for (size_t i = tr.n; i-- > 1;) {
		const struct ctk_node *nd = &tr.v[i];
		bool empty = ctk_hier_ops(type)->events_file ?
			     nd->populated == 0 : nd->tasks == 0;
		struct ctk_release_result r;
		char *rel;

		if (nd->is_root || left[i] || !empty ||
		    ((flags & CTK_REL_NEED_NOTIFY) && nd->notify != 1))
			continue;
		rel = ctk_target_rel_below(t, nd->cpath);
		if (!rel) {
			free(left);
			ctk_tree_free(&tr);
			return ctk_err_setx(e, ENOMEM, "out of memory");
		}
		if ((flags & CTK_REL_DRY_RUN))
			/* the tree's view, children already counted out */
			r = (struct ctk_release_result){
				.outcome = CTK_REL_WOULD_REMOVE };
		else
			ctk_release_try(rootfd, rel, type, flags, &r);
		free(rel);
		if (r.outcome == CTK_REL_REMOVED ||
		    r.outcome == CTK_REL_WOULD_REMOVE ||
		    r.outcome == CTK_REL_GONE) {
			if (nd->parent >= 0)
				left[nd->parent]--;
			if (r.outcome != CTK_REL_GONE)
				(*removed)++;
		} else if (ctk_release_failed(&r)) {
			(*failed)++;
		}
		if (report)
			report(arg, nd->cpath, &r);
	}
	free(left);
	ctk_tree_free(&tr);
	return 0;
}

int ctk_release_agent_get(int rootfd, char *buf, size_t size)
{
	ssize_t n = ctk_cfile_read(rootfd, "release_agent", buf, size);

	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ctk_release_agent_set(int rootfd, const char *path, struct ctk_err *e)
{
	char back[PATH_MAX + 2];
	/* a zero-length write never reaches the kernel: "\n" clears */
	int rc = ctk_cfile_write(rootfd, "release_agent", *path ? path : "\n");

	if (rc)
		return ctk_err_set(e, -rc, "cannot set the release agent");
	rc = ctk_release_agent_get(rootfd, back, sizeof(back));
	if (rc)
		return ctk_err_set(e, -rc, "cannot read the release agent "
				   "back");
	if (strcmp(back, path))
		return ctk_err_setx(e, EIO, "release agent reads back as '%s'",
				   back);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ctk_release_agent_link_name(const char *name, const char *ctrls,
				char *buf, size_t size)
{
	char *list = strdup(ctrls ? ctrls : ""), *tok[64], *save = NULL;
	size_t n = 0, o;
	int w;

	if (!list)
		return -ENOMEM;
	for (char *c = strtok_r(list, ",", &save); c && n < 64;
	     c = strtok_r(NULL, ",", &save))
		tok[n++] = c;
	qsort(tok, n, sizeof(*tok), cmp_str);
	w = snprintf(buf, size, "%s%s%s", CTK_AGENT_PREFIX,
		     name ? "name=" : "", name ? name : "");
	for (size_t i = 0; w >= 0 && (size_t)w < size && i < n; i++) {
		o = (size_t)w;
		w += snprintf(buf + o, size - o, "%s%s",
			      (name || i) ? "+" : "", tok[i]);
	}
	free(list);
	if (w < 0 || (size_t)w >= size || (!name && !n))
		return -EINVAL;
	return 0;
}

int ctk_release_agent_names(const char *agent_path,
			    const struct ctk_hierarchy *hy)
{
	const char *base = strrchr(agent_path, '/');
	char want[256];

	base = base ? base + 1 : agent_path;
	if (strncmp(base, CTK_AGENT_PREFIX, strlen(CTK_AGENT_PREFIX)))
		return -1;
	if (hy->type != CTK_HIER_V1 ||
	    ctk_release_agent_link_name(hy->name, hy->controllers, want,
					sizeof(want)))
		return 0;
	return !strcmp(base, want);
}

/* DIR/LINK -> @target through a temporary name, atomically. */
static int link_swap(int dfd, const char *dir, const char *link,
		     const char *target, struct ctk_err *e)
{
	char tmp[300];
	int rc;

	snprintf(tmp, sizeof(tmp), ".%s.%d", link, (int)getpid());
	unlinkat(dfd, tmp, 0);
	if (symlinkat(target, dfd, tmp) < 0)
		return ctk_err_in(e, errno, dir, tmp, "cannot create the link");
	if (renameat(dfd, tmp, dfd, link) < 0) {
		rc = errno;
		unlinkat(dfd, tmp, 0);
		return ctk_err_in(e, rc, dir, link, "cannot create the link");
	}
	return 0;
}

int ctk_release_agent_link(const char *dir, const char *name,
			   const char *ctrls, const char *target,
			   const char *log, char **out, struct ctk_err *e)
{
	_cleanup_close_ int dfd = -1;
	char link[256], logl[300];
	struct stat st;
	int rc;

	*out = NULL;
	if (dir[0] != '/')
		return ctk_err_atx(e, EINVAL, dir, "not an absolute path");
	rc = ctk_release_agent_link_name(name, ctrls, link, sizeof(link));
	if (rc)
		return ctk_err_set(e, -rc, "no name for this hierarchy's "
				   "agent link");
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ctk_err_at(e, errno, dir, "cannot create");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return ctk_err_at(e, errno, dir, "cannot open");
	/* the kernel will run what is linked here as root: only a directory
	 * that nobody else can write is fit for it */
	if (fstat(dfd, &st) < 0)
		return ctk_err_at(e, errno, dir, "cannot stat");
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return ctk_err_atx(e, EPERM, dir,
				   "owned by another user or "
				   "writable by others: no agent link there");
	if (log && log[0] != '/')
		return ctk_err_atx(e, EINVAL, log, "the agent's log must be an "
				   "absolute path");
	/* the log's link first: the agent never runs with a stale one */
	snprintf(logl, sizeof(logl), "%s.log", link);
	if (log)
		rc = link_swap(dfd, dir, logl, log, e);
	else
		rc = unlinkat(dfd, logl, 0) < 0 && errno != ENOENT ?
		     ctk_err_in(e, errno, dir, logl, "cannot remove") :
		     0;
	if (!rc)
		rc = link_swap(dfd, dir, link, target, e);
	if (rc)
		return rc;
	if (asprintf(out, "%s/%s", dir, link) < 0) {
		*out = NULL;
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	return 0;
}

char *ctk_release_agent_log(const char *agent_path)
{
	const char *base = strrchr(agent_path, '/');
	char dir[PATH_MAX], target[PATH_MAX], leaf[300];
	_cleanup_close_ int dfd = -1;
	struct stat st;
	ssize_t n;

	if (!base || strncmp(base + 1, CTK_AGENT_PREFIX,
			     strlen(CTK_AGENT_PREFIX)) ||
	    (size_t)(base - agent_path) >= sizeof(dir) ||
	    snprintf(leaf, sizeof(leaf), "%s.log", base + 1) >=
	    (int)sizeof(leaf))
		return NULL;
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - agent_path),
		 agent_path);
	dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		   O_CLOEXEC);
	/* as the link was made: a directory of root's nobody else writes */
	if (dfd < 0 || fstat(dfd, &st) < 0 || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return NULL;
	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISLNK(st.st_mode) || st.st_uid != 0)
		return NULL;
	n = readlinkat(dfd, leaf, target, sizeof(target) - 1);
	if (n <= 0 || target[0] != '/')
		return NULL;
	target[n] = '\0';
	return strdup(target);
}

int ctk_release_agent_check(const char *path, struct ctk_err *e)
{
	struct stat st;

	if (!*path)
		return 0;	/* empty: unset the agent */
	if (path[0] != '/')
		return ctk_err_setx(e, EINVAL, "release agent must be an "
				   "absolute path");
	if (strlen(path) >= PATH_MAX)
		return ctk_err_setx(e, ENAMETOOLONG, "release agent path too "
				   "long");
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == ',')
			return ctk_err_setx(e, EINVAL, "release agent path has "
					   "a control character or a comma");
	if (stat(path, &st) < 0)
		return ctk_err_set(e, errno, "release agent not found");
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return ctk_err_setx(e, EACCES, "release agent is not an "
				   "executable file");
	return 0;
}
