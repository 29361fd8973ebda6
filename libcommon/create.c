/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container creation, all or nothing: every directory made and every
 * subtree_control write is recorded, and undone in reverse on failure.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "ctk/container.h"
#include "ctk/create.h"

#define MAX_DEPTH 512

struct undo {
	int dirfd[MAX_DEPTH];	/* parent of a directory we made */
	char *made[MAX_DEPTH];	/* its name */
	size_t nmade;
	int ctlfd[64];		/* where we enabled a controller */
	char *ctl[64];
	size_t nctl;
};

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

static void undo_all(struct undo *u)
{
	while (u->nmade > 0) {
		u->nmade--;
		unlinkat(u->dirfd[u->nmade], u->made[u->nmade], AT_REMOVEDIR);
		free(u->made[u->nmade]);
	}
	while (u->nctl > 0) {
		char buf[80];

		u->nctl--;
		snprintf(buf, sizeof(buf), "-%s", u->ctl[u->nctl]);
		ctk_cfile_write(u->ctlfd[u->nctl], "cgroup.subtree_control",
				buf);
		free(u->ctl[u->nctl]);
	}
}

/* Enable each "+ctrl" of @list in @dfd's subtree_control when missing. */
static int enable_in(int dfd, const char *list, struct undo *u,
		     const char *where, struct ctk_err *e)
{
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
			return ctk_err_set(e, EINVAL, "bad controller list "
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
		if (rc) {
			const char *why = rc == -ENOENT ?
				"controller not available in this hierarchy" :
				rc == -EINVAL ? "no such controller" :
				rc == -EBUSY ? "container has processes of its "
				"own (no-internal-process rule)" :
				"cannot enable controller";

			return ctk_err_set(e, -rc, "%s: %s: %s", where, name,
					   why);
		}
		if (u->nctl == CTK_ARRAY_SIZE(u->ctl))
			return ctk_err_set(e, E2BIG, "too many controllers");
		u->ctlfd[u->nctl] = dfd;
		u->ctl[u->nctl] = strdup(name);
		if (!u->ctl[u->nctl])
			return ctk_err_set(e, ENOMEM, "out of memory");
		u->nctl++;
	}
	return 0;
}

/* Owners and modes of the control files of a new container. */
static int set_files(int fd, enum ctk_hier_type type,
		     const struct ctk_create_opts *o, struct ctk_err *e)
{
	int dfd = dup(fd), rc = 0;
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return ctk_err_set(e, errno, "cannot list control files");
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return ctk_err_set(e, errno, "cannot list control files");
	}
	while (!rc && (de = readdir(d))) {
		bool task = ctk_is_task_file(type, de->d_name);
		uid_t uid = task && o->task_uid != (uid_t)-1 ? o->task_uid :
			    o->uid;
		gid_t gid = task && o->task_gid != (gid_t)-1 ? o->task_gid :
			    o->gid;

		if (de->d_type != DT_REG)
			continue;
		if (o->set_file_mode &&
		    fchmodat(fd, de->d_name, o->file_mode, 0) < 0)
			rc = ctk_err_set(e, errno, "%s: cannot set the mode",
					 de->d_name);
		else if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
			 fchownat(fd, de->d_name, uid, gid,
				  AT_SYMLINK_NOFOLLOW) < 0)
			rc = ctk_err_set(e, errno, "%s: cannot set the owner",
					 de->d_name);
	}
	closedir(d);
	return rc;
}

static bool wants_settings(const struct ctk_create_opts *o)
{
	return o->set_dir_mode || o->set_file_mode || o->notify >= 0 ||
	       o->uid != (uid_t)-1 || o->gid != (gid_t)-1 ||
	       o->task_uid != (uid_t)-1 || o->task_gid != (gid_t)-1;
}

/* Mode, owners, notify of a container this call created (open as @fd). */
static int apply_settings(int fd, enum ctk_hier_type type,
			  const struct ctk_create_opts *o, struct ctk_err *e)
{
	int rc;

	if (o->set_dir_mode && fchmod(fd, o->dir_mode) < 0)
		return ctk_err_set(e, errno, "cannot set the directory mode");
	if ((o->uid != (uid_t)-1 || o->gid != (gid_t)-1) &&
	    fchown(fd, o->uid, o->gid) < 0)
		return ctk_err_set(e, errno, "cannot set the owner");
	if (o->set_file_mode || o->uid != (uid_t)-1 || o->gid != (gid_t)-1 ||
	    o->task_uid != (uid_t)-1 || o->task_gid != (gid_t)-1) {
		rc = set_files(fd, type, o, e);
		if (rc)
			return rc;
	}
	if (o->notify >= 0) {
		if (type == CTK_HIER_V1)
			rc = ctk_cfile_write(fd, "notify_on_release",
					     o->notify ? "1" : "0");
		else
			rc = ctk_v2_notify_set(fd, o->notify,
					       o->notify_trusted);
		if (rc)
			return ctk_err_set(e, -rc, "cannot set notify on "
					   "release");
	}
	return 0;
}

/*
 * The common case, no -p and no -e: one openat2 for the parent (none for a
 * child of the root), one mkdirat, and the leaf opened only when settings
 * need it.
 */
static int create_leaf(const struct ctk_target *t,
		       const struct ctk_create_opts *o, struct ctk_err *e)
{
	const char *leaf;
	int pfd = ctk_container_parent_fd(t, &leaf), fd, rc = 0;

	if (pfd < 0)
		return ctk_err_set(e, -pfd, pfd == -ENOENT ?
				   "cannot create container (-p makes parents)" :
				   "cannot open the parent container");
	if (mkdirat(pfd, leaf, 0755) < 0) {
		rc = ctk_err_set(e, errno, "cannot create container");
		goto out;
	}
	if (!wants_settings(o))
		goto out;
	fd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		rc = ctk_err_set(e, errno, "cannot open the new container");
	else
		rc = apply_settings(fd, t->hier->type, o, e);
	if (fd >= 0)
		close(fd);
	if (rc)
		unlinkat(pfd, leaf, AT_REMOVEDIR);
out:
	return rc;	/* pfd is the hierarchy's cache */
}

int ctk_container_create(const struct ctk_target *t,
			 const struct ctk_create_opts *o, bool *existed,
			 struct ctk_err *e)
{
	enum ctk_hier_type type = t->hier->type;
	struct undo u = { .nmade = 0 };
	int fds[MAX_DEPTH + 1], nfds = 0, rc = 0, dfd;
	char *rel = NULL, *save = NULL, *comp, *next;

	*existed = false;
	if (!strcmp(t->rel, "."))
		return o->parents ? (*existed = true, 0) :
		       ctk_err_set(e, EEXIST, "the hierarchy root exists");
	if (o->enable && type != CTK_HIER_V2)
		return ctk_err_set(e, EINVAL, "controllers are enabled on "
				   "cgroup v2 only");
	if (!o->parents && !o->enable)
		return create_leaf(t, o, e);
	dfd = ctk_hierarchy_fd(t->hier);
	if (dfd < 0)
		return ctk_err_set(e, -dfd, "cannot open the hierarchy");
	dfd = dup(dfd);
	if (dfd < 0)
		return ctk_err_set(e, errno, "cannot open the hierarchy");
	fds[nfds++] = dfd;
	rel = strdup(t->rel);
	if (!rel) {
		rc = ctk_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	for (comp = strtok_r(rel, "/", &save); comp; comp = next) {
		bool last;
		int fd;

		next = strtok_r(NULL, "/", &save);
		last = next == NULL;
		if (nfds > MAX_DEPTH) {
			rc = ctk_err_set(e, ENAMETOOLONG, "too deep");
			goto fail;
		}
		if (o->enable) {
			rc = enable_in(dfd, o->enable, &u,
				       nfds == 1 ? "/" : "parent", e);
			if (rc)
				goto fail;
		}
		fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd >= 0 && last && !o->parents) {
			close(fd);
			rc = ctk_err_set(e, EEXIST, "cannot create container");
			goto fail;
		}
		if (fd >= 0 && last)
			*existed = true;
		if (fd < 0 && errno != ENOENT) {
			rc = ctk_err_set(e, errno, "cannot open %s", comp);
			goto fail;
		}
		if (fd < 0 && !last && !o->parents) {
			rc = ctk_err_set(e, ENOENT, "cannot create container "
					 "(-p makes parents)");
			goto fail;
		}
		if (fd < 0) {
			if (mkdirat(dfd, comp, 0755) < 0) {
				rc = ctk_err_set(e, errno, "cannot create "
						 "container");
				goto fail;
			}
			u.dirfd[u.nmade] = dfd;
			u.made[u.nmade] = strdup(comp);
			if (!u.made[u.nmade]) {
				unlinkat(dfd, comp, AT_REMOVEDIR);
				rc = ctk_err_set(e, ENOMEM, "out of memory");
				goto fail;
			}
			u.nmade++;
			fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				rc = ctk_err_set(e, errno, "cannot open the new "
						 "container");
				goto fail;
			}
		}
		fds[nfds++] = fd;
		dfd = fd;
	}
	if (*existed)
		goto out;
	rc = apply_settings(dfd, type, o, e);
	if (rc)
		goto fail;
	goto out;
fail:
	undo_all(&u);
out:
	for (size_t i = 0; i < u.nmade; i++)
		free(u.made[i]);
	for (size_t i = 0; i < u.nctl; i++)
		free(u.ctl[i]);
	while (nfds > 0)
		close(fds[--nfds]);
	free(rel);
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
