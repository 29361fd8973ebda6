/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Removing a whole tree (cgdelete -r) and marking containers for release.
 *
 * A tree is removed in rounds: its tasks are moved to the parent of its
 * top or to the container the caller names (or killed), then every container is removed deepest first; a task
 * or a child that arrives meanwhile keeps its container for the next
 * round. The rounds end when the top is gone, or when they stop making
 * progress, and then what is left is said, container by container.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
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
	int tfd;		/* where the tasks go: the parent, or --to */
	const char *leaf;
	const char *task_file;	/* v1 "tasks" (threads), v2 "cgroup.procs" */
	bool kill_file;		/* v2 cgroup.kill: the kernel kills the tree */
	bool progress;
	pid_t *seen;		/* the pids killed so far: an open hash set */
	size_t nseen, capseen;
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

	va_start(ap, fmt);
	ctk_err_vset(&r.err, code, CTK_ERR_WHOLE, NULL, fmt, ap);
	va_end(ap);
	if (s->report)
		s->report(s->arg, cpath, &r);
}

/*
 * Count a killed task once: a dying task stays listed for a while (a
 * large one on v1 for several rounds), and kill() still succeeds on it.
 * True when @pid is new (or the set cannot grow: then it counts again).
 */
static bool killed_first(struct rm_state *s, pid_t pid)
{
	size_t mask, i;

	if (s->nseen * 2 >= s->capseen) {
		size_t cap = s->capseen ? s->capseen * 2 : 64;
		pid_t *v = calloc(cap, sizeof(*v)), *old = s->seen;

		if (!v)
			return true;
		for (size_t k = 0; k < s->capseen; k++) {
			if (!old[k])
				continue;
			for (i = (size_t)old[k] & (cap - 1); v[i];
			     i = (i + 1) & (cap - 1))
				;
			v[i] = old[k];
		}
		free(old);
		s->seen = v;
		s->capseen = cap;
	}
	mask = s->capseen - 1;
	for (i = (size_t)pid & mask; s->seen[i]; i = (i + 1) & mask)
		if (s->seen[i] == pid)
			return false;
	s->seen[i] = pid;
	s->nseen++;
	return true;
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
			if (pids[i] == self) {
				left++;	/* refused before */
				continue;
			}
			/* by its pid also after cgroup.kill, which passes
			 * over a process whose leader thread has exited (a
			 * dying one is counted once, by kill_tree()) */
			if (kill(pids[i], SIGKILL) == 0 &&
			    killed_first(s, pids[i])) {
				s->st->killed++;
				s->progress = true;
			}
			left++;	/* until it has exited */
			continue;
		}
		snprintf(buf, sizeof(buf), "%d", (int)pids[i]);
		rc = ctk_cfile_write(s->tfd, s->task_file, buf);
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
			 "to %s (pid %d: %s)", left, left == 1 ? "" : "s",
			 s->tfd == s->pfd ? "the parent" : "the --to container",
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
			rc = ctk_err_atx(e, EXDEV, nd->cpath, "a mount covers a "
					  "child container");
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

/*
 * v2: may the destination hold processes? Not when it enables
 * controllers for its children (the no-internal-process rule), unless it
 * is the hierarchy root, which the rule exempts.
 */
static bool dest_refuses(struct rm_state *s, bool is_root)
{
	char have[512];

	if (s->t->hier->type != CTK_HIER_V2 || is_root)
		return false;
	return ctk_cfile_read(s->tfd, "cgroup.subtree_control", have,
			      sizeof(have)) > 0 && have[0] != '\n';
}

/* Before anything is done: what would make the call harm itself or
 * leave half a tree. */
static int precheck(struct rm_state *s, bool dest_root, struct ctk_err *e)
{
	struct ctk_tree tr;
	bool refuses = !(s->flags & CTK_RM_KILL) && dest_refuses(s, dest_root);
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
			rc = k ? ctk_err_atx(e, EXDEV, nd->cpath, "a mount covers a "
					      "child container: nothing "
					      "removed") :
				 ctk_err_setx(e, EXDEV, "a mount covers a child "
					      "container: nothing removed");
			break;
		}
		if (!(s->flags & CTK_RM_KILL) && !refuses)
			continue;
		nfd = open_node(s, nd->cpath);
		if (nfd < 0)
			continue;
		if (refuses && !ctk_container_pids(nfd, s->task_file, &pids,
						   &n) && n)
			rc = ctk_err_setx(e, EINVAL, "its tasks cannot go to %s: "
					  "it has controllers enabled for its "
					  "children (v2 no-internal-process "
					  "rule): nothing removed (--to SPEC "
					  "names a container that may hold "
					  "them; --kill kills them)",
					  s->tfd == s->pfd ? "the parent" :
					  "the --to container");
		if ((s->flags & CTK_RM_KILL) &&
		    !ctk_container_pids(nfd, s->task_file, &pids, &n))
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

/*
 * v2: kill the whole tree through cgroup.kill. The tasks listed just
 * before the write are the ones it kills and are counted (a task killed
 * this way may be gone before anything reads it again). False when the
 * kernel has no cgroup.kill: the tasks are then killed one by one.
 */
static bool kill_tree(struct rm_state *s)
{
	struct ctk_tree tr;
	struct ctk_err e;
	pid_t *all = NULL;
	size_t nall = 0, cap = 0;
	bool ok;

	if (!ctk_tree_load(s->fd, s->t->cpath, s->t->hier->type, 0, &tr, &e)) {
		for (size_t k = 0; k < tr.n; k++) {
			pid_t *p = NULL;
			size_t np = 0;
			int nfd = open_node(s, tr.v[k].cpath);

			if (nfd < 0)
				continue;
			if (!ctk_container_pids(nfd, s->task_file, &p, &np))
				for (size_t i = 0; i < np; i++)
					if (!CTK_GROW(all, cap, nall, 64))
						all[nall++] = p[i];
			free(p);
			close(nfd);
		}
		ctk_tree_free(&tr);
	}
	ok = ctk_cfile_write(s->fd, "cgroup.kill", "1") == 0;
	for (size_t i = 0; ok && i < nall; i++)
		if (all[i] != getpid() && killed_first(s, all[i])) {
			s->st->killed++;
			s->progress = true;
		}
	free(all);
	return ok;
}

static void pause_round(unsigned round)
{
	struct timespec ts = { 0, (long)(round < 20 ? round + 1 : 20) *
				  1000000L };

	nanosleep(&ts, NULL);
}

/* Is @in @t or a container below it? */
static bool within(const struct ctk_target *in, const struct ctk_target *t)
{
	size_t len = strlen(t->rel);

	return !strncmp(in->rel, t->rel, len) &&
	       (in->rel[len] == '\0' || in->rel[len] == '/');
}

int ctk_remove_tree(const struct ctk_target *t, const struct ctk_target *to,
		    unsigned flags, ctk_release_report_fn report, void *arg,
		    struct ctk_remove_stats *st, struct ctk_err *e)
{
	struct rm_state s = { .t = t, .flags = flags, .report = report,
			      .arg = arg, .st = st, .pfd = -1, .fd = -1,
			      .tfd = -1 };
	unsigned stalled = 0;
	bool done = false;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!strcmp(t->rel, "."))
		return ctk_err_setx(e, EINVAL, "the hierarchy root is never "
				    "removed");
	if (to && to->hier != t->hier)
		return ctk_err_setx(e, EINVAL, "--to names a container of "
				    "another hierarchy");
	if (to && within(to, t))
		return ctk_err_setx(e, EINVAL, "--to names a container in "
				    "the tree that is removed");
	s.task_file = ctk_hier_ops(t->hier->type)->procs_file;
	s.pfd = ctk_container_open_parent(t, &s.leaf);
	if (s.pfd < 0)
		return ctk_err_set(e, -s.pfd, "cannot open the parent "
				   "container");
	s.tfd = s.pfd;
	if (to) {
		s.tfd = ctk_container_open(to);
		if (s.tfd < 0) {
			rc = ctk_err_open(e, -s.tfd, "--to");
			s.tfd = -1;
			goto out;
		}
	}
	s.fd = ctk_openat_beneath(s.pfd, s.leaf, O_RDONLY | O_DIRECTORY, 0);
	if (s.fd < 0) {
		rc = ctk_err_open(e, -s.fd, NULL);
		goto out;
	}
	rc = precheck(&s, to ? !strcmp(to->rel, ".") : !strchr(t->rel, '/'),
		      e);
	if (rc)
		goto out;
	for (unsigned round = 0; !done && !rc; round++) {
		bool last = round + 1 == ROUNDS_MAX || stalled + 1 == STALL_MAX;

		s.progress = false;
		/* each round: a task moved in since the last one dies too */
		if ((flags & CTK_RM_KILL) && ctk_hier_ops(t->hier->type)->kill &&
		    (round == 0 || s.kill_file))
			s.kill_file = kill_tree(&s);
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
	if (s.tfd >= 0 && s.tfd != s.pfd)
		close(s.tfd);
	close(s.pfd);
	free(s.seen);
	return rc;
}

int ctk_release_mark(const struct ctk_target *t, bool on, struct ctk_err *e)
{
	const struct ctk_hier_ops *ops = ctk_hier_ops(t->hier->type);
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
		close(pfd);
		return ctk_err_open(e, -fd, NULL);
	}
	if (ops->notify_file) {
		rc = ctk_cfile_write(fd, ops->notify_file, on ? "1" : "0");
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
	if (!rc && on && ops->notify_get(pfd, fd) != 1) {
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
