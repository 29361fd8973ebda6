/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container creation, all or nothing: every directory made and every
 * subtree_control write is recorded, and undone in reverse on failure, for
 * one container or for a whole call of several (a transaction).
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "ctk/container.h"
#include "ctk/create.h"
#include "ctk/values.h"
#include "internal.h"

#define MAX_DEPTH 512

/*
 * The undo log of a transaction: what was made, in order. A directory is
 * undone by rmdir through its parent, a controller by writing "-ctrl" to
 * the subtree_control it was enabled in; both are found again beneath the
 * hierarchy root (the root fd is the hierarchy's cache, open until the
 * hierarchies are freed), so a long transaction holds no fd per entry.
 */
struct ctk_txn_entry {
	int rootfd;
	char *rel;		/* the directory made, or where @ctrl went on */
	char *ctrl;		/* NULL for a directory */
	char *file, *old;	/* a value changed in an existing container */
	bool perm;		/* an owner and mode changed there: of @file,
				 * or of the directory when @file is NULL */
	uid_t uid;
	gid_t gid;
	mode_t mode;
	int mark;		/* v2 mark before (0/1), -1: no mark entry */
};

/* An owner to give at commit: of @file, or of the directory @rel. */
struct ctk_txn_owner {
	int rootfd;
	char *rel, *file;
	uid_t uid;
	gid_t gid;
};

static int txn_add_owner(struct ctk_create_txn *x, int rootfd,
			 const char *rel, const char *file, uid_t uid,
			 gid_t gid)
{
	struct ctk_txn_owner *w;

	if (CTK_GROW(x->own, x->capown, x->nown, 16))
		return -ENOMEM;
	w = &x->own[x->nown];
	w->rootfd = rootfd;
	w->uid = uid;
	w->gid = gid;
	w->rel = strdup(rel);
	w->file = file ? strdup(file) : NULL;
	if (!w->rel || (file && !w->file)) {
		free(w->rel);
		free(w->file);
		return -ENOMEM;
	}
	x->nown++;
	return 0;
}

static void entry_free(struct ctk_txn_entry *en)
{
	free(en->rel);
	free(en->ctrl);
	free(en->file);
	free(en->old);
}

static int txn_add(struct ctk_create_txn *x, int rootfd, const char *rel,
		   size_t rel_len, const char *ctrl)
{
	struct ctk_txn_entry *en;

	if (CTK_GROW(x->v, x->cap, x->n, 16))
		return -ENOMEM;
	en = &x->v[x->n];
	memset(en, 0, sizeof(*en));
	en->mark = -1;
	en->rootfd = rootfd;
	en->rel = strndup(rel, rel_len);
	en->ctrl = ctrl ? strdup(ctrl) : NULL;
	if (!en->rel || (ctrl && !en->ctrl)) {
		entry_free(en);
		return -ENOMEM;
	}
	x->n++;
	return 0;
}

/* Remember @file's value @old in the existing container @rel. */
static int txn_add_value(struct ctk_create_txn *x, int rootfd, const char *rel,
			 const char *file, const char *old)
{
	struct ctk_txn_entry *en;

	if (txn_add(x, rootfd, rel, strlen(rel), NULL))
		return -ENOMEM;
	en = &x->v[x->n - 1];
	en->file = strdup(file);
	en->old = strdup(old);
	if (!en->file || !en->old) {
		entry_free(en);
		x->n--;
		return -ENOMEM;
	}
	return 0;
}

/* Remember the owner and mode of @file (NULL: the directory) of @rel. */
static int txn_add_perm(struct ctk_create_txn *x, int rootfd, const char *rel,
			const char *file, const struct stat *st)
{
	struct ctk_txn_entry *en;

	if (txn_add(x, rootfd, rel, strlen(rel), NULL))
		return -ENOMEM;
	en = &x->v[x->n - 1];
	en->perm = true;
	en->uid = st->st_uid;
	en->gid = st->st_gid;
	en->mode = st->st_mode & 07777;
	if (file && !(en->file = strdup(file))) {
		entry_free(en);
		x->n--;
		return -ENOMEM;
	}
	return 0;
}

static void undo_perm_or_mark(const struct ctk_txn_entry *en, int fd)
{
	if (en->mark >= 0) {
		ctk_v2_notify_set(fd, en->mark == 1, true);
	} else if (!en->file) {
		if (fchown(fd, en->uid, en->gid) < 0 || fchmod(fd, en->mode) < 0) {
			/* nothing more to do about it */
		}
	} else if (fchownat(fd, en->file, en->uid, en->gid,
			    AT_SYMLINK_NOFOLLOW) < 0 ||
		   fchmodat(fd, en->file, en->mode, 0) < 0) {
		/* the same */
	}
}

static void undo_entry(const struct ctk_txn_entry *en)
{
	if (en->perm || en->mark >= 0) {
		int fd = ctk_openat_beneath(en->rootfd, en->rel,
					    O_RDONLY | O_DIRECTORY, 0);

		if (fd < 0)
			return;
		undo_perm_or_mark(en, fd);
		close(fd);
	} else if (en->file) {
		struct ctk_value v = { en->file, en->old, true };
		int fd = ctk_openat_beneath(en->rootfd, en->rel,
					    O_RDONLY | O_DIRECTORY, 0);

		if (fd < 0)
			return;
		ctk_value_write(fd, &v, NULL);
		close(fd);
	} else if (en->ctrl) {
		char buf[80];
		int fd = ctk_openat_beneath(en->rootfd, en->rel,
					    O_RDONLY | O_DIRECTORY, 0);

		if (fd < 0)
			return;
		snprintf(buf, sizeof(buf), "-%s", en->ctrl);
		ctk_cfile_write(fd, "cgroup.subtree_control", buf);
		close(fd);
	} else {
		const char *slash = strrchr(en->rel, '/');
		int pfd = en->rootfd;

		if (slash) {
			char *dir = strndup(en->rel,
					    (size_t)(slash - en->rel));

			pfd = dir ? ctk_openat_beneath(en->rootfd, dir,
						       O_RDONLY | O_DIRECTORY,
						       0) : -ENOMEM;
			free(dir);
			if (pfd < 0)
				return;
		}
		unlinkat(pfd, slash ? slash + 1 : en->rel, AT_REMOVEDIR);
		if (pfd != en->rootfd)
			close(pfd);
	}
}

/*
 * v2, as root: the parent @pfd (@rel, @len bytes) now has had a child, the
 * v2 memory of v1's "releasable" (CTK_XATTR_RELEASABLE); once per parent
 * in a row of creations.
 */
static void arm_parent(struct ctk_create_txn *x, const struct ctk_target *t,
		       int pfd, const char *rel, size_t len)
{
	if (t->hier->type != CTK_HIER_V2 || !len || geteuid() != 0)
		return;
	if (x->armed && strlen(x->armed) == len && !strncmp(x->armed, rel, len))
		return;
	ctk_v2_arm(pfd);
	free(x->armed);
	x->armed = strndup(rel, len);
}

/* Undo and drop the entries from @from on, newest first. */
static void txn_rollback(struct ctk_create_txn *x, size_t from)
{
	while (x->n > from) {
		struct ctk_txn_entry *en = &x->v[--x->n];

		undo_entry(en);
		entry_free(en);
	}
}

void ctk_create_txn_undo(struct ctk_create_txn *x)
{
	txn_rollback(x, 0);
	ctk_create_txn_free(x);
}

void ctk_create_txn_free(struct ctk_create_txn *x)
{
	for (size_t i = 0; i < x->n; i++)
		entry_free(&x->v[i]);
	for (size_t i = 0; i < x->nown; i++) {
		free(x->own[i].rel);
		free(x->own[i].file);
	}
	free(x->v);
	free(x->own);
	free(x->armed);
	memset(x, 0, sizeof(*x));
}

/* Give the recorded owner @w, through @fd, the open container of @w->rel
 * (opened beneath the root when *@fd is -1 or another container's: the
 * same path in another hierarchy is another container). */
static int give_owner(const struct ctk_txn_owner *w, int *fd,
		      const struct ctk_txn_owner **fdw)
{
	if (*fd < 0 || (*fdw)->rootfd != w->rootfd || strcmp((*fdw)->rel, w->rel)) {
		if (*fd >= 0)
			close(*fd);
		*fd = ctk_openat_beneath(w->rootfd, w->rel,
					 O_RDONLY | O_DIRECTORY, 0);
		if (*fd < 0)
			return *fd;
		*fdw = w;
	}
	if (w->file ? fchownat(*fd, w->file, w->uid, w->gid,
			       AT_SYMLINK_NOFOLLOW) < 0 :
		      fchown(*fd, w->uid, w->gid) < 0)
		return -errno;
	return 0;
}

int ctk_create_txn_commit(struct ctk_create_txn *x, struct ctk_err *e)
{
	const struct ctk_txn_owner *fdw = NULL;
	int fd = -1, rc = 0;

	/* files first, then the directories: a directory once given is hers;
	 * one open per container and pass */
	for (int dirs = 0; !rc && dirs < 2; dirs++)
		for (size_t i = 0; !rc && i < x->nown; i++) {
			const struct ctk_txn_owner *w = &x->own[i];

			if ((w->file == NULL) != (dirs == 1))
				continue;
			rc = give_owner(w, &fd, &fdw);
			if (rc)
				ctk_err_set(e, -rc, "%s%s%s: cannot set the "
					    "owner", w->rel, w->file ? "/" : "",
					    w->file ? w->file : "");
		}
	if (fd >= 0)
		close(fd);
	if (rc) {
		ctk_create_txn_undo(x);
		return rc;
	}
	ctk_create_txn_free(x);
	return 0;
}

void ctk_create_opts_init(struct ctk_create_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->uid = o->task_uid = (uid_t)-1;
	o->gid = o->task_gid = (gid_t)-1;
	o->notify = -1;
}

bool ctk_is_task_file(enum ctk_hier_type type, const char *name)
{
	if (!strcmp(name, "cgroup.procs"))
		return true;
	if (type == CTK_HIER_V1)
		return !strcmp(name, "tasks");
	return !strcmp(name, "cgroup.threads") ||
	       !strcmp(name, "cgroup.subtree_control");
}

/* Enable each "+ctrl" of @list in @dfd's subtree_control when missing;
 * @dfd is @rel (".": the root) beneath @rootfd. */
static int enable_in(int rootfd, int dfd, const char *rel, size_t rel_len,
		     const char *list, struct ctk_create_txn *x,
		     struct ctk_err *e)
{
	const char *where = rel_len ? "parent" : "/";
	char have[1024];
	const char *p = list;

	if (ctk_cfile_read(dfd, "cgroup.subtree_control", have,
			   sizeof(have)) < 0)
		have[0] = '\0';
	while (*p) {
		size_t len = strcspn(p, ",");
		char name[64], buf[80];
		const char *q;
		bool on = false;
		int rc;

		if (*p == '+') {
			p++;
			len--;
		}
		if (len == 0 || len >= sizeof(name))
			return ctk_err_setx(e, EINVAL, "bad controller list "
					   "'%s'", list);
		memcpy(name, p, len);
		name[len] = '\0';
		p += len + (p[len] == ',');
		for (q = have; (q = strstr(q, name)); q += len)
			if ((q == have || q[-1] == ' ') &&
			    (q[len] == ' ' || q[len] == '\n' || !q[len]))
				on = true;
		if (on)
			continue;
		snprintf(buf, sizeof(buf), "+%s", name);
		rc = ctk_cfile_write(dfd, "cgroup.subtree_control", buf);
		/* a controller this kernel or hierarchy lacks is ENODEV,
		 * exit 3 as in cmount */
		if (rc == -EINVAL)
			return ctk_err_atx(e, ENODEV, where, "unknown controller "
					    "'%s'", name);
		if (rc == -ENOENT)
			return ctk_err_atx(e, ENODEV, where, "controller '%s' not "
					    "available in this hierarchy",
					    name);
		if (rc)
			return ctk_err_at(e, -rc, where, "%s: %s", name,
					   rc == -EBUSY ? "container has "
					   "processes of its own "
					   "(no-internal-process rule)" :
					   "cannot enable controller");
		if (txn_add(x, rootfd, rel_len ? rel : ".", rel_len ? rel_len :
			    1, name))
			return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * v2: a cgroup.subtree_control value of "+ctrl" words (what a snapshot
 * writes) enables each as -e does, recorded for the undo. 1 when it was
 * that, 0 when it is another value, -errno.
 */
static int enable_value(int rootfd, int fd, const char *rel,
			enum ctk_hier_type type, const struct ctk_value *v,
			struct ctk_create_txn *x, struct ctk_err *e)
{
	char list[512];
	size_t n = 0;
	int rc;

	if (type != CTK_HIER_V2 || strcmp(v->file, "cgroup.subtree_control"))
		return 0;
	for (const char *p = v->value; *p;) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		if (*p != '+' || len < 2 || n + len + 1 >= sizeof(list))
			return 0;	/* "-ctrl": written as it is */
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%.*s",
				      n ? "," : "", (int)len - 1, p + 1);
		p += len;
	}
	if (!n)
		return 1;
	rc = enable_in(rootfd, fd, strcmp(rel, ".") ? rel : "",
		       strcmp(rel, ".") ? strlen(rel) : 0, list, x, e);
	return rc ? rc : 1;
}

/*
 * Owners and modes of the control files of a container. An owner is given
 * the files of delegation and no other: the kernel's "Delegation
 * Containment" hands a user the directory, cgroup.procs, cgroup.threads
 * and cgroup.subtree_control (v1: the directory, tasks, cgroup.procs).
 * The delegation root's other interface files (cgroup.type, freeze, kill,
 * max.*, a controller's limits, notify_on_release) stay root's: they are
 * the parent's say over this container. What she makes below is hers.
 */
static int set_files(int fd, enum ctk_hier_type type,
		     const struct ctk_create_opts *o, struct ctk_create_txn *x,
		     int rootfd, const char *rel, struct ctk_err *e)
{
	DIR *d = ctk_fdopendir_dup(fd);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return ctk_err_set(e, errno, "cannot list control files");
	while (!rc && (de = readdir(d))) {
		bool task = ctk_is_task_file(type, de->d_name);
		uid_t uid = !task ? (uid_t)-1 : o->task_uid != (uid_t)-1 ?
			    o->task_uid : o->uid;
		gid_t gid = !task ? (gid_t)-1 : o->task_gid != (gid_t)-1 ?
			    o->task_gid : o->gid;

		bool chmod_it = task && o->set_task_file_mode ?
				true : o->set_file_mode;
		/* nothing executes a control file: its x bits are dropped,
		 * as libcgroup drops them (cgconfig.conf(5), Example 3) */
		mode_t mode = (task && o->set_task_file_mode ?
			       o->task_file_mode : o->file_mode) & ~(mode_t)0111;

		if (de->d_type != DT_REG)
			continue;
		if (chmod_it && fchmodat(fd, de->d_name, mode, 0) < 0)
			rc = ctk_err_at(e, errno, de->d_name,
					 "cannot set the mode");
		else if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
			 txn_add_owner(x, rootfd, rel, de->d_name, uid, gid))
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
	}
	closedir(d);
	return rc;
}

static bool wants_settings(const struct ctk_create_opts *o)
{
	return (o->values && o->values->n) || o->set_dir_mode ||
	       o->set_file_mode || o->set_task_file_mode || o->notify >= 0 ||
	       o->uid != (uid_t)-1 || o->gid != (gid_t)-1 ||
	       o->task_uid != (uid_t)-1 || o->task_gid != (gid_t)-1;
}

static bool wants_files(const struct ctk_create_opts *o)
{
	return o->set_file_mode || o->set_task_file_mode ||
	       o->uid != (uid_t)-1 || o->gid != (gid_t)-1 ||
	       o->task_uid != (uid_t)-1 || o->task_gid != (gid_t)-1;
}

/*
 * The @k-th value to write: the values in their order, but those the
 * kernel never lets be undone (cgroup.type: a threaded container stays
 * threaded) after all the others, so that no failure of another value can
 * leave them behind.
 */
static size_t value_order(const struct ctk_values *v, size_t k)
{
	size_t seen = 0;

	for (int last = 0; last < 2; last++)
		for (size_t i = 0; i < v->n; i++)
			if ((strcmp(v->v[i].file, "cgroup.type") == 0) == last &&
			    seen++ == k)
				return i;
	return k;
}

/*
 * Mode, notify of the container @rel (open as @fd) and, with @values, its
 * values; its owners are recorded in @x for the commit.
 */
static int apply_settings(int fd, const struct ctk_target *t,
			  const char *rel, const struct ctk_create_opts *o,
			  bool values, struct ctk_create_txn *x,
			  struct ctk_err *e)
{
	enum ctk_hier_type type = t->hier->type;
	int rootfd = ctk_hierarchy_borrow_fd(t->hier);
	int rc;

	if (o->set_dir_mode && fchmod(fd, o->dir_mode) < 0)
		return ctk_err_set(e, errno, "cannot set the directory mode");
	if ((o->uid != (uid_t)-1 || o->gid != (gid_t)-1) &&
	    txn_add_owner(x, rootfd, rel, NULL, o->uid, o->gid))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	if (wants_files(o)) {
		rc = set_files(fd, type, o, x, rootfd, rel, e);
		if (rc)
			return rc;
	}
	if (o->notify >= 0) {
		const char *flag = ctk_hier_ops(type)->notify_file;

		if (flag)
			rc = ctk_cfile_write(fd, flag, o->notify ? "1" : "0");
		else
			rc = ctk_v2_notify_set(fd, o->notify,
					       o->notify_trusted);
		if (rc)
			return ctk_err_set(e, -rc, "cannot set notify on "
					   "release");
	}
	for (size_t k = 0; values && o->values && k < o->values->n; k++) {
		const struct ctk_value *v =
			&o->values->v[value_order(o->values, k)];

		rc = enable_value(rootfd, fd, rel, type, v, x, e);
		if (rc == 0)
			rc = ctk_value_write(fd, v, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * settle_existing: the owners, modes and mark of an existing container
 * @fd, each recorded before it changes.
 */
static int settle(int fd, const struct ctk_target *t,
		  const struct ctk_create_opts *o, struct ctk_create_txn *x,
		  struct ctk_err *e)
{
	int rootfd = ctk_hierarchy_borrow_fd(t->hier);
	struct stat st;

	if (o->set_dir_mode || o->uid != (uid_t)-1 || o->gid != (gid_t)-1) {
		if (fstat(fd, &st) < 0)
			return ctk_err_set(e, errno, "cannot read its mode");
		if (txn_add_perm(x, rootfd, t->rel, NULL, &st))
			return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	if (wants_files(o)) {
		DIR *d = ctk_fdopendir_dup(fd);
		struct dirent *de;
		int rc = 0;

		if (!d)
			return ctk_err_set(e, errno, "cannot list control "
					   "files");
		while (!rc && (de = readdir(d)))
			if (de->d_type == DT_REG &&
			    !fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			    txn_add_perm(x, rootfd, t->rel, de->d_name, &st))
				rc = ctk_err_setx(e, ENOMEM, "out of memory");
		closedir(d);
		if (rc)
			return rc;
	}
	if (o->notify >= 0 && ctk_hier_ops(t->hier->type)->notify_file) {
		const char *flag = ctk_hier_ops(t->hier->type)->notify_file;
		char old[8];

		if (ctk_cfile_read(fd, flag, old, sizeof(old)) > 0) {
			old[strcspn(old, "\n")] = '\0';
			if (txn_add_value(x, rootfd, t->rel, flag, old))
				return ctk_err_setx(e, ENOMEM, "out of memory");
		}
	} else if (o->notify >= 0) {
		if (txn_add(x, rootfd, t->rel, strlen(t->rel), NULL))
			return ctk_err_setx(e, ENOMEM, "out of memory");
		x->v[x->n - 1].mark = ctk_v2_notify_get(-1, fd) == 1;
	}
	return apply_settings(fd, t, t->rel, o, false, x, e);
}

/*
 * The values given for a container that exists (cgset): each old value is
 * recorded before it is changed, so that a failure restores them all.
 */
static int set_existing(int fd, const struct ctk_target *t,
			const struct ctk_create_opts *o,
			struct ctk_create_txn *x, struct ctk_err *e)
{
	int rootfd = ctk_hierarchy_borrow_fd(t->hier);

	if (o->settle_existing) {
		int rc = settle(fd, t, o, x, e);

		if (rc)
			return rc;
	}
	for (size_t k = 0; o->values && k < o->values->n; k++) {
		const struct ctk_value *v = &o->values->v[value_order(o->values,
								      k)];
		_cleanup_free_ char *old = NULL;
		size_t len;
		int rc = enable_value(rootfd, fd, t->rel, t->hier->type, v, x,
				      e);

		if (rc < 0)
			return rc;
		if (rc > 0)
			continue;
		rc = ctk_cfile_read_alloc(fd, v->file, &old, &len);
		if (rc == 0) {
			while (len && old[len - 1] == '\n')
				old[--len] = '\0';
			if (txn_add_value(x, rootfd, t->rel, v->file, old))
				return ctk_err_setx(e, ENOMEM, "out of memory");
		} else if (rc == -ENOENT) {
			return ctk_err_atx(e, ENOENT, v->file,
					    "no such control "
					    "file (is its controller enabled?)");
		}
		/* a file that cannot be read (write-only) is not restored */
		rc = ctk_value_write(fd, v, e);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The common case, no -p and no -e: one openat2 for the parent (none for a
 * child of the root), one mkdirat, and the leaf opened only when settings
 * need it.
 */
static int create_leaf(const struct ctk_target *t,
		       const struct ctk_create_opts *o,
		       struct ctk_create_txn *x, struct ctk_err *e)
{
	const char *leaf;
	int pfd = ctk_container_borrow_parent(t, &leaf), fd, rc = 0;

	if (pfd < 0)
		return ctk_err_set(e, -pfd, pfd == -ENOENT ?
				   "cannot create container (-p makes parents)" :
				   "cannot open the parent container");
	if (mkdirat(pfd, leaf, 0755) < 0)
		return ctk_err_set(e, errno, "cannot create container");
	if (txn_add(x, ctk_hierarchy_borrow_fd(t->hier), t->rel, strlen(t->rel),
		    NULL)) {
		unlinkat(pfd, leaf, AT_REMOVEDIR);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	arm_parent(x, t, pfd, t->rel, leaf == t->rel ? 0 :
		   (size_t)(leaf - t->rel) - 1);
	if (!wants_settings(o))
		return 0;	/* pfd is the hierarchy's cache */
	fd = ctk_openat_beneath(pfd, leaf, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return ctk_err_set(e, -fd, "cannot open the new container");
	rc = apply_settings(fd, t, t->rel, o, true, x, e);
	close(fd);
	return rc;
}

/*
 * With -p or -e: a walk one name at a time, each opened beneath the one
 * before (openat2: a mount over a container on the way is refused, never
 * entered), making what is missing.
 */
static int create_walk(const struct ctk_target *t,
		       const struct ctk_create_opts *o,
		       struct ctk_create_txn *x, bool *existed,
		       struct ctk_err *e)
{
	int rootfd = ctk_hierarchy_borrow_fd(t->hier), fds[MAX_DEPTH + 1];
	const char *rel = t->rel, *p = rel;
	size_t nfds = 0;
	int rc = 0, dfd;

	if (rootfd < 0)
		return ctk_err_set(e, -rootfd, "cannot open the hierarchy");
	dfd = rootfd;
	while (*p) {
		size_t len = strcspn(p, "/"), upto = (size_t)(p - rel) + len;
		bool last = p[len] == '\0';
		char comp[CTK_CNAME_MAX + 1];
		int fd;

		if (nfds == MAX_DEPTH) {
			rc = ctk_err_setx(e, ENAMETOOLONG, "too deep");
			break;
		}
		if (len > CTK_CNAME_MAX) {
			rc = ctk_err_setx(e, ENAMETOOLONG, "name too long");
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (o->enable) {
			size_t here = p == rel ? 0 : (size_t)(p - rel) - 1;

			rc = enable_in(rootfd, dfd, rel, here, o->enable, x, e);
			if (rc)
				break;
		}
		fd = ctk_openat_beneath(dfd, comp, O_RDONLY | O_DIRECTORY, 0);
		if (fd >= 0 && last && !o->parents) {
			close(fd);
			rc = ctk_err_set(e, EEXIST, "cannot create container");
			break;
		}
		if (fd >= 0 && last)
			*existed = true;
		if (fd == -EXDEV) {
			rc = ctk_err_setx(e, EXDEV, "%.*s: a mount covers this "
					 "container", (int)upto, rel);
			break;
		}
		if (fd < 0 && fd != -ENOENT) {
			rc = ctk_err_set(e, -fd, "cannot open %.*s", (int)upto,
					 rel);
			break;
		}
		if (fd < 0 && !last && !o->parents) {
			rc = ctk_err_set(e, ENOENT, "cannot create container "
					 "(-p makes parents)");
			break;
		}
		if (fd < 0) {
			if (mkdirat(dfd, comp, 0755) < 0) {
				rc = ctk_err_set(e, errno, "cannot create "
						 "container");
				break;
			}
			if (txn_add(x, rootfd, rel, upto, NULL)) {
				unlinkat(dfd, comp, AT_REMOVEDIR);
				rc = ctk_err_setx(e, ENOMEM, "out of memory");
				break;
			}
			arm_parent(x, t, dfd, rel, p == rel ? 0 :
				   (size_t)(p - rel) - 1);
			fd = ctk_openat_beneath(dfd, comp,
						O_RDONLY | O_DIRECTORY, 0);
			if (fd < 0) {
				rc = ctk_err_set(e, -fd, "cannot open the new "
						 "container");
				break;
			}
		}
		fds[nfds++] = fd;
		dfd = fd;
		p += len;
		while (*p == '/')
			p++;
	}
	if (!rc && !*existed)
		rc = apply_settings(dfd, t, t->rel, o, true, x, e);
	else if (!rc)
		rc = set_existing(dfd, t, o, x, e);
	while (nfds > 0)
		close(fds[--nfds]);
	return rc;
}

int ctk_container_create(const struct ctk_target *t,
			 const struct ctk_create_opts *o,
			 struct ctk_create_txn *txn, bool *existed,
			 struct ctk_err *e)
{
	struct ctk_create_txn own = { 0 }, *x = txn ? txn : &own;
	size_t start = x->n;
	int rc;

	*existed = false;
	if (!strcmp(t->rel, ".")) {
		int fd;

		if (!o->parents)
			return ctk_err_setx(e, EEXIST, "the hierarchy root "
					    "exists");
		*existed = true;
		if ((!o->values || !o->values->n) &&
		    (!o->settle_existing || !wants_settings(o)))
			return 0;
		fd = ctk_openat_beneath(ctk_hierarchy_borrow_fd(t->hier), ".",
					O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0)
			return ctk_err_set(e, -fd, "cannot open the hierarchy");
		rc = set_existing(fd, t, o, x, e);
		close(fd);
		if (rc)
			txn_rollback(x, start);
		if (!txn)
			ctk_create_txn_free(&own);
		return rc;
	}
	if (o->enable && t->hier->type != CTK_HIER_V2)
		return ctk_err_setx(e, EINVAL, "controllers are enabled on "
				   "cgroup v2 only");
	if (!o->parents && !o->enable)
		rc = create_leaf(t, o, x, e);
	else
		rc = create_walk(t, o, x, existed, e);
	if (rc)
		txn_rollback(x, start);
	if (!txn)
		ctk_create_txn_free(&own);
	return rc;
}

int ctk_container_remove(const struct ctk_target *t)
{
	const char *leaf;
	int pfd = ctk_container_open_parent(t, &leaf), rc = 0;

	if (pfd < 0)
		return pfd;
	if (unlinkat(pfd, leaf, AT_REMOVEDIR) < 0)
		rc = -errno;
	close(pfd);
	return rc;
}
