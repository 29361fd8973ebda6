/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Removing a whole tree (cgdelete -r) and marking containers for release.
 *
 * A tree is removed in rounds: its tasks are moved to the parent of its
 * top (or killed), then every container is removed deepest first; a task
 * or a child that arrives meanwhile keeps its container for the next
 * round. The rounds end when the top is gone, or when they stop making
 * progress, and then what is left is said, container by container.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/release.h"
#include "ctk/tree.h"
#include "internal.h"

#define ROUNDS_MAX	400	/* ~8 s of waiting for the killed to exit */
#define STALL_MAX	3	/* rounds that change nothing, then stop */

struct rm_state {
	const struct ctk_target *t;
	unsigned flags;
	int pfd, fd;		/* the top's parent and the top */
	const char *leaf;
	const char *task_file;	/* v1 "tasks" (threads), v2 "cgroup.procs" */
	bool kill_file;		/* v2 cgroup.kill: the kernel kills the tree */
	bool progress;
	ctk_release_report_fn report;
	void *arg;
	struct ctk_remove_stats *st;
};

/* The path of @cpath below the top, "." for the top itself. */
static const char *below_top(const struct rm_state *s, const char *cpath)
{
	size_t len = strlen(s->t->cpath);

	if (!strcmp(s->t->cpath, "/"))
		len = 0;
	cpath += len;
	while (*cpath == '/')
		cpath++;
	return *cpath ? cpath : ".";
}

static int open_node(const struct rm_state *s, const char *cpath)
{
	return ctk_openat_beneath(s->fd, below_top(s, cpath),
				  O_RDONLY | O_DIRECTORY, 0);
}

static void say_kept(struct rm_state *s, const char *cpath, int code,
		     const char *fmt, ...) CTK_ATTR_PRINTF(4, 5);

static void say_kept(struct rm_state *s, const char *cpath, int code,
		     const char *fmt, ...)
{
	struct ctk_release_result r = { .outcome = CTK_REL_ERROR };
	va_list ap;

	r.err.code = code;
	r.err.whole = true;
	va_start(ap, fmt);
	vsnprintf(r.err.msg, sizeof(r.err.msg), fmt, ap);
	va_end(ap);
	if (s->report)
		s->report(s->arg, cpath, &r);
}

/*
 * Move or kill the tasks of one container. With @why (a round that gives
 * up), say why what is left stays. Returns the tasks that are left.
 */
static size_t empty_node(struct rm_state *s, int nfd, const char *cpath,
			 bool why)
{
	pid_t *pids = NULL, self = getpid();
	size_t n = 0, left = 0;
	int lasterr = 0;
	pid_t lastpid = 0;

	if (ctk_container_pids(nfd, s->task_file, &pids, &n) || !n) {
		free(pids);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char buf[24];
		int rc;

		if (s->flags & CTK_RM_KILL) {
			if (pids[i] == self || s->kill_file) {
				left++;	/* refused before, or dying */
				continue;
			}
			if (kill(pids[i], SIGKILL) == 0) {
				s->st->killed++;
				s->progress = true;
			}
			left++;	/* until it has exited */
			continue;
		}
		snprintf(buf, sizeof(buf), "%d", (int)pids[i]);
		rc = ctk_cfile_write(s->pfd, s->task_file, buf);
		if (rc == 0) {
			s->st->moved++;
			s->progress = true;
		} else if (rc != -ESRCH) {
			lasterr = -rc;
			lastpid = pids[i];
			left++;
		}
	}
	free(pids);
	if (why && left && lasterr) {
		char buf[200];

		say_kept(s, cpath, lasterr, "kept: %zu task%s cannot be moved "
			 "to the parent (pid %d: %s)", left, left == 1 ? "" : "s",
			 (int)lastpid, ctk_strerror(CTK_OP_ATTACH, lasterr, buf,
						    sizeof(buf)));
	} else if (why && left) {
		say_kept(s, cpath, EBUSY, "kept: %zu task%s still exiting",
			 left, left == 1 ? "" : "s");
	}
	return left;
}

/* Remove @nd (beneath its parent); true when it is gone. */
static bool remove_node(struct rm_state *s, const struct ctk_tree *tr,
			size_t k, bool why)
{
	const struct ctk_node *nd = &tr->v[k];
	const char *name;
	int dfd, rc = 0;

	if (k == 0) {
		dfd = s->pfd;
		name = s->leaf;
	} else {
		dfd = open_node(s, tr->v[nd->parent].cpath);
		name = strrchr(nd->cpath, '/') + 1;
		if (dfd < 0)
			return dfd == -ENOENT;
	}
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0)
		rc = -errno;
	if (k != 0)
		close(dfd);
	if (rc == 0) {
		struct ctk_release_result r = { .outcome = CTK_REL_REMOVED };

		s->st->removed++;
		s->progress = true;
		if (s->report)
			s->report(s->arg, nd->cpath, &r);
		return true;
	}
	if (rc == -ENOENT)
		return true;
	if (why && rc != -EBUSY)
		say_kept(s, nd->cpath, -rc, "kept: cannot remove it: %s",
			 strerror(-rc));
	return false;
}

/* One round: empty every container, then remove them deepest first. */
static int round_once(struct rm_state *s, bool last, bool *done,
		      struct ctk_err *e)
{
	struct ctk_tree tr;
	int rc = ctk_tree_load(s->fd, s->t->cpath, s->t->hier->type, 0, &tr,
			       e);

	*done = false;
	if (rc)
		return rc;
	for (size_t k = 0; k < tr.n; k++) {
		const struct ctk_node *nd = &tr.v[k];
		int nfd;

		if (nd->hidden) {
			rc = ctk_err_setx(e, EXDEV, "%s: a mount covers a "
					  "child container", nd->cpath);
			goto out;
		}
		nfd = open_node(s, nd->cpath);
		if (nfd < 0)
			continue;	/* gone meanwhile */
		empty_node(s, nfd, nd->cpath, last);
		close(nfd);
	}
	/* preorder: a child comes after its parent, so backwards is
	 * deepest first */
	for (size_t k = tr.n; k-- > 0;)
		if (remove_node(s, &tr, k, last) && k == 0)
			*done = true;
out:
	ctk_tree_free(&tr);
	return rc;
}

/* Before anything is done: what would make the call harm itself or
 * leave half a tree. */
static int precheck(struct rm_state *s, struct ctk_err *e)
{
	struct ctk_tree tr;
	int rc = ctk_tree_load(s->fd, s->t->cpath, s->t->hier->type, 0, &tr,
			       e);

	if (rc)
		return rc;
	for (size_t k = 0; !rc && k < tr.n; k++) {
		const struct ctk_node *nd = &tr.v[k];
		pid_t *pids = NULL;
		size_t n = 0;
		int nfd;

		if (nd->hidden) {
			rc = k ? ctk_err_setx(e, EXDEV, "%s: a mount covers a "
					      "child container: nothing "
					      "removed", nd->cpath) :
				 ctk_err_setx(e, EXDEV, "a mount covers a child "
					      "container: nothing removed");
			break;
		}
		if (!(s->flags & CTK_RM_KILL))
			continue;
		nfd = open_node(s, nd->cpath);
		if (nfd < 0)
			continue;
		if (!ctk_container_pids(nfd, s->task_file, &pids, &n))
			for (size_t i = 0; i < n; i++)
				if (pids[i] == getpid())
					rc = ctk_err_setx(e, EDEADLK, "%s%s"
							  "crelease itself "
							  "runs there: "
							  "nothing killed",
							  k ? nd->cpath : "",
							  k ? ": " : "");
		free(pids);
		close(nfd);
	}
	ctk_tree_free(&tr);
	return rc;
}

static void pause_round(unsigned round)
{
	struct timespec ts = { 0, (long)(round < 20 ? round + 1 : 20) *
				  1000000L };

	nanosleep(&ts, NULL);
}

int ctk_remove_tree(const struct ctk_target *t, unsigned flags,
		    ctk_release_report_fn report, void *arg,
		    struct ctk_remove_stats *st, struct ctk_err *e)
{
	struct rm_state s = { .t = t, .flags = flags, .report = report,
			      .arg = arg, .st = st, .pfd = -1, .fd = -1 };
	unsigned stalled = 0;
	bool done = false;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!strcmp(t->rel, "."))
		return ctk_err_setx(e, EINVAL, "the hierarchy root is never "
				    "removed");
	s.task_file = t->hier->type == CTK_HIER_V1 ? "tasks" : "cgroup.procs";
	s.pfd = ctk_container_open_parent(t, &s.leaf);
	if (s.pfd < 0)
		return ctk_err_set(e, -s.pfd, "cannot open the parent "
				   "container");
	s.fd = ctk_openat_beneath(s.pfd, s.leaf, O_RDONLY | O_DIRECTORY, 0);
	if (s.fd < 0) {
		const char *why = ctk_explain(CTK_OP_OPEN, -s.fd);

		rc = ctk_err_set(e, -s.fd, "%s", why ? why :
				 "cannot open the container");
		goto out;
	}
	rc = precheck(&s, e);
	if (rc)
		goto out;
	for (unsigned round = 0; !done && !rc; round++) {
		bool last = round + 1 == ROUNDS_MAX || stalled + 1 == STALL_MAX;

		s.progress = false;
		/* each round: a task moved in since the last one dies too */
		if ((flags & CTK_RM_KILL) && t->hier->type == CTK_HIER_V2 &&
		    (round == 0 || s.kill_file))
			s.kill_file = ctk_cfile_write(s.fd, "cgroup.kill",
						      "1") == 0;
		rc = round_once(&s, last, &done, e);
		if (rc || done || last)
			break;
		/* killed tasks take a while to exit: that is not a stall */
		stalled = s.progress || (flags & CTK_RM_KILL) ? 0 : stalled + 1;
		pause_round(round);
	}
	if (!rc && !done)
		rc = ctk_err_setx(e, EBUSY, "not all removed");
out:
	if (s.fd >= 0)
		close(s.fd);
	close(s.pfd);
	return rc;
}

int ctk_release_mark(const struct ctk_target *t, bool on, struct ctk_err *e)
{
	bool root = geteuid() == 0;
	const char *leaf;
	int pfd, fd, rc;

	if (!strcmp(t->rel, "."))
		return ctk_err_setx(e, EINVAL, "the hierarchy root is never "
				    "released");
	pfd = ctk_container_open_parent(t, &leaf);
	if (pfd < 0)
		return ctk_err_set(e, -pfd, "cannot open the parent container");
	fd = ctk_openat_beneath(pfd, leaf, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		const char *why = ctk_explain(CTK_OP_OPEN, -fd);

		close(pfd);
		return ctk_err_set(e, -fd, "%s", why ? why :
				   "cannot open the container");
	}
	if (t->hier->type == CTK_HIER_V1) {
		rc = ctk_cfile_write(fd, "notify_on_release", on ? "1" : "0");
	} else if (on) {
		rc = ctk_v2_notify_set(fd, true, root);
	} else {
		rc = root ? ctk_v2_notify_set(fd, false, true) : 0;
		if (!rc)
			rc = ctk_v2_notify_set(fd, false, false);
		if (!rc && ctk_v2_notify_get(pfd, fd) == 1)
			rc = -EPERM;	/* root's mark, and we are not */
	}
	/*
	 * A mark that no release would honour (a flag file that a user who
	 * could not remove the container may write) is no mark: said, not
	 * "marked".
	 */
	if (!rc && on && (t->hier->type == CTK_HIER_V1 ?
			  ctk_v1_notify_get(pfd, fd) :
			  ctk_v2_notify_get(pfd, fd)) != 1) {
		close(fd);
		close(pfd);
		return ctk_err_setx(e, EPERM, "cannot mark it for release: its "
				    "flag is writable by a user who could not "
				    "remove the container, so no release "
				    "would honour it (see crelease(8), "
				    "SECURITY)");
	}
	close(fd);
	close(pfd);
	if (rc)
		return ctk_err_set(e, -rc, on ? "cannot mark it for release" :
				   "cannot clear its release mark");
	return 0;
}
